// Package logsource recognizes, from an event's content, which Sigma
// logsource (product, service, category) the event can belong to, and
// decides from that which rules may fire on it (logsource routing).
//
// Recognition reads a few fields through the sigma.Event interface (the
// Windows Channel and EventID, ECS event.* fields, the fields that mark a
// cloud audit record, zeek, auditd or CEF) and maps them through the tables
// of this package (windows.go, shapes.go, ecs.go; docs/logsource-routing.md
// lists them) and through user-declared mappings (declare.go). It never
// parses the event a second time and, with the fields interned in the
// engine's FieldTable, allocates nothing.
//
// # What an event reveals
//
// Each dimension of an event's recognized logsource is a Dimension: either
// unknown (the event does not reveal it) or a closed set of names. A closed
// set says "the event is one of these and none of the other names this
// package knows": a Sysmon EventID 7 event has category {image_load}; a
// BITS-Client event has service {bits-client} and category {} (no generic
// category is ever logged on that channel); a Security event has product
// {windows}. Names the package does not know (a rule's own category, a
// product SigmaHQ has no rules for) are never excluded by a closed set.
//
// # Routing semantics
//
// A rule may fire on an event unless the event's recognized logsource
// contradicts the rule's logsource. For each of product, service and
// category, the rule is excluded when all of these hold:
//
//   - the rule sets the dimension (an unset dimension fits everything);
//   - the event reveals it (Dimension.Known; an unrecognized event, or a
//     dimension the event does not reveal, excludes nothing);
//   - the rule's value, compared case-insensitively, is not in the event's
//     set, and it is a name this package knows (catalogue.go, the tables and
//     the user's declarations).
//
// So a rule without a logsource runs on every event, an unrecognized event
// is evaluated against every rule exactly as without routing, a generic
// category rule (process_creation) still runs on every event that can carry
// its category (Sysmon EventID 1, Security EventID 4688), and a keyword rule
// is routed like any other rule. Custom logsource keys and `definition` do
// not take part.
//
// # Compile time
//
// A Recognizer maps each event to a Key (one interned set per dimension).
// A Router, built once per rule set, buckets the rules by distinct logsource
// (its groups) and answers, per Key, the Selection of rules that may fire:
// computed on the first event with that Key and shared afterwards, so the
// per-event cost is the recognition and one map lookup.
package logsource
