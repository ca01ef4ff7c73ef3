import type { CodegenConfig } from "@graphql-codegen/cli";

// Types for every document in src/, generated from the committed SDL: a schema change
// that breaks a page fails `npm run typecheck` (codegen refuses a document the schema
// cannot answer; tsc refuses a page using a type that changed). CROSSDOCK_SCHEMA and
// CROSSDOCK_GQL_OUT point it elsewhere (the test that proves a break is caught).
const config: CodegenConfig = {
  schema: process.env.CROSSDOCK_SCHEMA ?? "../api/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    [process.env.CROSSDOCK_GQL_OUT ?? "src/gql/"]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", Decimal: "string", JSON: "unknown", Date: "string" },
      },
    },
  },
  errorsOnly: true,
};
export default config;
