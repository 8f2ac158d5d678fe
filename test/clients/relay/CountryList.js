// A root connection paged both ways: relay-compiler turns the fragment into
// CountryListPaginationQuery, and check.mjs pages it through relay-runtime.
import { graphql } from 'relay-runtime';

export const fragment = graphql`
  fragment CountryList_query on Query
  @refetchable(queryName: "CountryListPaginationQuery")
  @argumentDefinitions(
    first: { type: "Int" }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  ) {
    countries(first: $first, after: $after, last: $last, before: $before, orderBy: [{ field: ISO3 }])
      @connection(key: "CountryList_countries") {
      totalCount
      edges {
        node {
          id
          iso3
          name
        }
      }
    }
  }
`;
