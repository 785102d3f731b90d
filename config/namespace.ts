/** The stack config namespace of the program (`registry-platform:<key>`). A module of its own: no SDK import. */
export const NAMESPACE = "registry-platform";
