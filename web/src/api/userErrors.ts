import { graphql } from "../gql";

// Every mutation's refusals, selected the same way everywhere (see ui/mutationResult.ts).
graphql(`
  fragment UserErrorFields on UserError {
    field
    code
    message
  }
`);
