/** The inputs and CRUD operations the resources tests share (resources*.test.ts). */
import { BaseInputs, Crud, ProjectInputs, RobotInputs } from "../../../components/harbor-config/crud";
import { FakeHarbor } from "./fake-harbor";
import { clientOf, projectInputs as baseProjectInputs, robotInputs as baseRobotInputs } from "./setup";

/** This file's project: a 100 GiB quota. */
export const projectInputs = (fake: FakeHarbor, over: Partial<ProjectInputs> = {}): ProjectInputs =>
  baseProjectInputs(fake, { quotaGiB: 100, ...over });
/** This file's pull robot: described as "pull". */
export const robotInputs = (fake: FakeHarbor, over: Partial<RobotInputs> = {}): RobotInputs =>
  baseRobotInputs(fake, { description: "pull", ...over });

/** The CRUD functions bound to fresh clients of `fake`. */
export function ops<I extends BaseInputs, O extends I>(fake: FakeHarbor, crud: Crud<I, O>) {
  return {
    diff: (olds: O, news: I) => crud.diff(olds, news),
    create: (i: I) => crud.create(clientOf(fake), i),
    read: (id: string, p: O) => crud.read(clientOf(fake), id, p),
    update: (id: string, o: O, n: I) => crud.update(clientOf(fake), id, o, n),
    delete: (id: string, p: O) => crud.delete(clientOf(fake), id, p),
  };
}
