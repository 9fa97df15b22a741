// Worker thread that reads HDF5 files for Hdf5File (see hdf5-snapshot.ts): says "ready" once the
// HDF5 library is loaded, then answers one request at a time with the file's snapshot, its typed
// arrays transferred rather than copied.
import { parentPort } from "node:worker_threads";
import { hdf5Ready, snapshotHdf5, transferableBuffers } from "./hdf5-snapshot.js";

await hdf5Ready;
parentPort?.on("message", async (request: { id: number; path: string }) => {
  const outcome = await snapshotHdf5(request.path);
  parentPort!.postMessage({ id: request.id, outcome }, "snapshot" in outcome ? transferableBuffers(outcome.snapshot) : []);
});
parentPort?.postMessage({ ready: true });
