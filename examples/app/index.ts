/** The example app stack's program: config → RegistryAccess + Deployment → outputs (see app.ts). */
import { appProgram, loadAppConfig } from "./app";

// eslint-disable-next-line @typescript-eslint/require-await
export = async () => appProgram(loadAppConfig());
