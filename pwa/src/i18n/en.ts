// English strings; typed against the Chinese table so a missing or extra key fails the build.
import type { MessageKey } from "./zh-CN";

export const en: Record<MessageKey, string> = {
  "app.name": "Emergency Field",
  "app.tagline": "County and township emergency duty and rescue",
  "app.booting": "Opening Emergency Field…",

  "lang.switch": "Language",
  "lang.zh": "中文",
  "lang.en": "English",

  "net.online": "Online",
  "net.offline": "Offline",
  "net.pending": "{n} waiting to send",

  "login.title": "Sign in",
  "login.username": "Username",
  "login.password": "Password",
  "login.submit": "Sign in",
  "login.submitting": "Signing in…",
  "login.error.credentials": "Wrong username or password. Please try again.",
  "login.error.rateLimited": "Too many attempts. Please try again later.",
  "login.error.required": "Please enter your username and password.",
  "login.error.network": "Cannot reach the server. Check the network and try again.",
  "login.error.generic": "Sign-in failed (error {status}). Please try again later.",
  "login.offlineFirst": "No network right now. The first sign-in needs a connection; after that the app opens offline.",
  "login.sessionExpired": "Your session has expired. Please sign in again.",
  "login.loggedOut": "You have signed out.",

  "home.greeting": "Hello, {name}",
  "home.region": "Region: {region}",
  "home.regionUnknown": "Region: not set",
  "home.cachedAt": "Shown offline, details as of {time}",
  "home.tiles": "Tasks",
  "home.logout": "Sign out",
  "home.loggingOut": "Signing out…",
  "home.logoutNeedsNetwork": "Signing out needs a connection. Please try again when online.",
  "home.logoutFailed": "Sign-out failed (error {status}). Please try again later.",

  "tile.report": "Report a hazard",
  "tile.checkin": "Check in / out",
  "tile.tasks": "My tasks",
  "tile.warnings": "Warnings",
  "tile.shelters": "Shelters",
  "tile.comingSoon": "Coming soon",
  "tile.comingSoonToast": "“{name}” is coming soon.",

  "role.admin": "County emergency office administrator",
  "role.duty_officer": "Duty officer",
  "role.captain": "Team captain",
  "role.member": "Rescue team member",
  "role.info_officer": "Disaster information officer",
  "role.shelter_manager": "Shelter manager",

  "shelterPublic.title": "Shelter check-in",
  "shelterPublic.code": "Shelter code: {code}",
  "shelterPublic.comingSoon": "Check-in by QR code is coming soon. Please register with the staff on site.",

  "update.ready": "A new version is ready.",
  "update.reload": "Reload",
  "update.offlineReady": "Ready to work offline.",
  "toast.close": "Close",
};
