// A refetchable fragment on a Node type: relay-compiler generates
// CountryCardRefetchQuery, which reads the country back through node(id:).
import { graphql } from 'relay-runtime';

export const fragment = graphql`
  fragment CountryCard_country on Country @refetchable(queryName: "CountryCardRefetchQuery") {
    id
    iso3
    name
  }
`;
