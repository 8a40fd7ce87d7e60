import { afterEach } from "vitest";
import { cleanup, configure } from "@testing-library/react";

// findBy*/waitFor give up after 1 s by default. CI runs these beside the Python suite on
// a 2-core machine, and a render plus a mock API round trip has taken just over that
// there ("shows a validation error from the API": 1027 ms). A missing element still fails,
// only later.
configure({ asyncUtilTimeout: 4000 });

afterEach(() => {
  cleanup();
  localStorage.clear();
});
