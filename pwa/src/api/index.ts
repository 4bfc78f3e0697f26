// The app's shared client, wired to the connection indicator.
import { createClient } from "./client";
import { reportReachable } from "../shared/network";

export const api = createClient({ onReachable: reportReachable });
export { ApiError, NetworkError } from "./client";
export type { User, Role, LoginResponse } from "./types";
