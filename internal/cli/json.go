// json.go holds what every command's -o json output shares: the version
// of the vocabulary (docs/json.md), which each top-level object carries as
// "v".

package cli

// jsonVersion is the version of the -o json vocabulary documented in
// docs/json.md. Version 2 unified the names across commands (version 1,
// never labelled, had listen's sig/sig_reason/answer, send's signature for
// the hex digest and verify's passed/failed/warned). It changes only when
// a field is renamed or removed or changes meaning; new fields do not.
const jsonVersion = 2
