import rfdc from "rfdc";

/**
 * A deep copy of plain JSON data (objects from the API or a request body). rfdc copies such
 * data about five times faster than structuredClone, which goes through V8's serializer; a
 * mutation copies the pod it changes, on every admission request. No prototypes, no cycles.
 */
export const cloneJson: <T>(value: T) => T = rfdc({ proto: false, circles: false });
