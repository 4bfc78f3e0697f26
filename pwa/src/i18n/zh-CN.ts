// Chinese strings: the default language and the reference set of keys every other language must match.
export const zhCN = {
  "app.name": "应急通",
  "app.tagline": "县乡应急值守与救援",
  "app.booting": "正在打开应急通…",

  "lang.switch": "界面语言",
  "lang.zh": "中文",
  "lang.en": "English",

  "net.online": "在线",
  "net.offline": "离线",
  "net.pending": "{n} 条待发送",

  "login.title": "登录",
  "login.username": "用户名",
  "login.password": "密码",
  "login.submit": "登录",
  "login.submitting": "正在登录…",
  "login.error.credentials": "用户名或密码错误，请重新输入。",
  "login.error.rateLimited": "尝试次数过多，请稍后再试。",
  "login.error.required": "请输入用户名和密码。",
  "login.error.network": "连不上服务器。请检查网络后再试。",
  "login.error.generic": "登录失败（错误 {status}），请稍后再试。",
  "login.offlineFirst": "现在没有网络。第一次登录需要联网；登录过一次后，没有网络也能打开。",
  "login.sessionExpired": "登录已过期，请重新登录。",
  "login.loggedOut": "已退出登录。",

  "home.greeting": "你好，{name}",
  "home.region": "所属区域：{region}",
  "home.regionUnknown": "所属区域：未设置",
  "home.cachedAt": "离线显示，资料更新于 {time}",
  "home.tiles": "工作",
  "home.logout": "退出登录",
  "home.loggingOut": "正在退出…",
  "home.logoutNeedsNetwork": "退出登录需要联网，请在有网络时再试。",
  "home.logoutFailed": "退出失败（错误 {status}），请稍后再试。",

  "tile.report": "上报隐患",
  "tile.checkin": "签到/签退",
  "tile.tasks": "我的任务",
  "tile.warnings": "预警",
  "tile.shelters": "避难所",
  "tile.comingSoon": "即将推出",
  "tile.comingSoonToast": "「{name}」即将推出。",

  "role.admin": "县应急办管理员",
  "role.duty_officer": "值班员",
  "role.captain": "队长",
  "role.member": "救援队员",
  "role.info_officer": "灾害信息员",
  "role.shelter_manager": "安置场所管理员",

  "shelterPublic.title": "避难所登记",
  "shelterPublic.code": "场所编号：{code}",
  "shelterPublic.comingSoon": "扫码登记即将推出。请先向现场工作人员登记。",

  "update.ready": "新版本已就绪。",
  "update.reload": "重新加载",
  "update.offlineReady": "已可离线使用。",
  "toast.close": "关闭",
} as const;

export type MessageKey = keyof typeof zhCN;
