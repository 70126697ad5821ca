export { setupSqlite as default } from "./global-setup";
