/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The sidecar serves dist/ at "/" and the API under "/api" on the same origin, so the UI
// only ever uses relative URLs. `npm run dev` runs against the typed mock layer
// (src/api/mock.ts) unless PHOTO_SCORE_API points at a running sidecar, e.g.
// PHOTO_SCORE_API=http://127.0.0.1:PORT npm run dev (then /api is proxied there).
// Production builds never include the mock.
export default defineConfig(({ command }) => {
  const sidecar = process.env.PHOTO_SCORE_API;
  return {
    base: "./",
    plugins: [react()],
    build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 300 },
    server: sidecar ? { proxy: { "/api": { target: sidecar, changeOrigin: true } } } : {},
    define: { __USE_MOCK__: JSON.stringify(command === "serve" && !sidecar) },
    test: {
      environment: "jsdom",
      setupFiles: ["./src/test/setup.ts"],
      include: ["src/**/*.test.{ts,tsx}"],
      restoreMocks: true,
      testTimeout: 15000, // above the 4 s waits of src/test/setup.ts
    },
  };
});
