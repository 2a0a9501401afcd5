// guard's version, as package.json states it (a unit test keeps the two equal). A constant rather
// than a read of package.json at start: nothing on the start-up path touches the disk for it.
export const GUARD_VERSION = '0.1.0';
