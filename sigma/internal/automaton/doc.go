// Package automaton holds the string-matching automata of the sigma
// evaluator's candidate index: Substrings, an Aho-Corasick automaton
// compiled to a DFA over byte classes (with a dense/deep table layout and
// case-folding scans), and Affixes, prefix and suffix tries. They know
// nothing of rules: needles in, needle ids out.
package automaton
