/**
 * Imported first by the CLIs that load the Pulumi SDK, before anything loads it: the SDK then loads TypeScript only
 * when something uses it (./defer-typescript.ts).
 */
import { deferSdkTypeScript } from "./defer-typescript";

deferSdkTypeScript();
