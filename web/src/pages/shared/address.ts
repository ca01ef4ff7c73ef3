import { graphql } from "../../gql";

// The ship-to address every page shows the same way.
graphql(`
  fragment AddressLines on Address {
    name
    company
    line1
    line2
    city
    region
    postalCode
    country
  }
`);

export type AddressValue = {
  name?: string | null;
  company?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
};

/** One line: name · company · street · postal code and city, region · country. */
export function formatAddress(a: AddressValue): string {
  const place = `${a.postalCode} ${a.city}${a.region ? `, ${a.region}` : ""}`;
  return [a.name, a.company, a.line1, a.line2, place, a.country].filter(Boolean).join(" · ");
}
