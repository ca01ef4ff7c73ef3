/// <reference types="vitest/config" />
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The build goes where the Python package serves it from (api/web_app.py).
export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "../api/static/app",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    port: 8141,
    proxy: {
      "/graphql": { target: "http://127.0.0.1:8140", ws: true },
      "/auth": "http://127.0.0.1:8140",
      "/static": "http://127.0.0.1:8140",
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
