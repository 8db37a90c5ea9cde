/**
 * The expose operator with a bug: when a Deployment loses its `expose: "true"` label, the
 * Service stays. (Deleting the Deployment still removes it: the garbage collector follows the
 * ownerReference, which is what makes the bug easy to miss by hand.) docs/testing.md shows
 * kubesim/testing finding it and shrinking it to two operations.
 */
import { exposeOperator } from './expose-operator.js';

export const buggyExposeOperator = exposeOperator({ forgetToDelete: true });
