package format

import (
	"bytes"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// ErrParse is the sentinel every line-level decode failure wraps: the line is
// not valid for the configured format (only `json` and `cef` can fail,
// input-formats.md §2). Callers count and dead-letter these lines.
var ErrParse = errors.New("parse error")

// ParseError describes why a line could not be decoded.
type ParseError struct {
	Format Name
	Reason string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s: %s", e.Format, e.Reason) }

// Unwrap makes errors.Is(err, ErrParse) true.
func (e *ParseError) Unwrap() error { return ErrParse }

// Decoder turns input lines into events. It is immutable after New and safe
// for concurrent use; Decode allocates per call.
type Decoder struct {
	format  Name
	syslog  syslogOptions
	filter  filter // nil without --jq/--jsonpath
	onError func(error)
	stats   counters
	// deferJSONCheck: the caller validates JSON events (Options.DeferJSONCheck).
	deferJSONCheck bool
}

// New validates opts and compiles the event filter. Errors name the flag at
// fault (configuration errors, exit code 3).
func New(opts Options) (*Decoder, error) {
	name, err := ParseName(string(opts.Format))
	if err != nil {
		return nil, err
	}
	loc, err := ParseOffset(opts.SyslogTZ)
	if err != nil {
		return nil, err
	}
	if opts.JQ != "" && opts.JSONPath != "" {
		return nil, errors.New("--jq and --jsonpath are mutually exclusive")
	}
	d := &Decoder{format: name, onError: opts.OnFilterError, deferJSONCheck: opts.DeferJSONCheck}
	d.syslog = syslogOptions{loc: loc, keepBOM: opts.SyslogKeepBOM, now: opts.Now}
	if d.syslog.now == nil {
		d.syslog.now = time.Now
	}
	switch {
	case opts.JQ != "":
		d.filter, err = compileJQ(opts.JQ)
	case opts.JSONPath != "":
		d.filter, err = compileJSONPath(opts.JSONPath)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Format returns the configured input format.
func (d *Decoder) Format() Name { return d.format }

// Decode decodes one input line and calls fn once per resulting event, in
// order. A blank line yields no event and no error. With --jq/--jsonpath a
// JSON line may yield zero or several events. The returned error is a
// *ParseError (errors.Is ErrParse) when the line is invalid for the format,
// else the first error fn returned.
func (d *Decoder) Decode(line []byte, fn func(Decoded) error) error {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if len(bytes.TrimSpace(line)) == 0 {
		d.stats.blank.Add(1)
		return nil
	}
	if !utf8.Valid(line) {
		d.stats.invalidUTF8.Add(1)
		line = bytes.ToValidUTF8(line, []byte("\uFFFD"))
	}
	switch d.format {
	case JSON:
		return d.decodeJSONLine(line, fn)
	case Syslog:
		return d.decodeSyslog(line, fn)
	case Plain:
		return fn(Decoded{Kind: KindPlain, Line: string(line)})
	case Logfmt:
		keys, values := parseLogfmt(string(line))
		return fn(fieldsEvent(keys, values))
	case CEF:
		keys, values, err := parseCEF(string(line))
		if err != nil {
			return err
		}
		return fn(fieldsEvent(keys, values))
	default:
		return d.decodeAuto(line, fn)
	}
}

// decodeAuto applies input-formats.md §8: JSON, then syslog, then plain.
func (d *Decoder) decodeAuto(line []byte, fn func(Decoded) error) error {
	trimmed := bytes.TrimLeft(line, " \t")
	switch trimmed[0] {
	case '{', '[':
		if body := bytes.TrimSpace(trimmed); isJSON(body) {
			return d.emitJSON(body, fn)
		}
	case '<':
		if msg, ok := parseSyslog(string(trimmed), d.syslog); ok {
			return d.emitSyslog(msg, fn)
		}
	}
	return fn(Decoded{Kind: KindPlain, Line: string(line)})
}

func (d *Decoder) decodeJSONLine(line []byte, fn func(Decoded) error) error {
	body := bytes.TrimSpace(line)
	if d.deferJSONCheck && d.filter == nil && !isEVTXPrefix(body) {
		return d.emitJSON(body, fn)
	}
	if !isJSON(body) {
		return &ParseError{Format: JSON, Reason: "line is not one valid JSON value"}
	}
	return d.emitJSON(body, fn)
}

func (d *Decoder) decodeSyslog(line []byte, fn func(Decoded) error) error {
	msg, _ := parseSyslog(string(line), d.syslog)
	return d.emitSyslog(msg, fn)
}

// emitJSON runs the filter (if any) over one JSON value and emits the
// resulting events.
func (d *Decoder) emitJSON(raw []byte, fn func(Decoded) error) error {
	if d.filter == nil {
		if !isObject(raw) {
			d.stats.nonObject.Add(1)
		}
		return fn(Decoded{Kind: KindJSON, JSON: d.flat(raw)})
	}
	n := 0
	err := d.filter.apply(raw, func(out []byte) error {
		n++
		if !isObject(out) {
			d.stats.nonObject.Add(1)
		}
		return fn(Decoded{Kind: KindJSON, JSON: d.flat(out)})
	}, d.filterError)
	if n == 0 && err == nil {
		d.stats.noOutput.Add(1)
	}
	return err
}

// flat returns raw, or its flat form when it is an EVTX-shaped record
// (evtx.go); only that rare shape allocates.
func (d *Decoder) flat(raw []byte) []byte {
	if !isEVTX(raw) {
		return raw
	}
	return flattenEVTX(make([]byte, 0, len(raw)*2), raw)
}

func (d *Decoder) filterError(err error) {
	d.stats.filterErrors.Add(1)
	if d.onError != nil {
		d.onError(err)
	}
}

// fieldsEvent removes duplicate keys (first occurrence wins for lookup and
// rendering alike, input-formats.md §1).
func fieldsEvent(keys, values []string) Decoded {
	if len(keys) > 1 {
		seen := make(map[string]struct{}, len(keys))
		j := 0
		for i, k := range keys {
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = struct{}{}
			keys[j], values[j] = k, values[i]
			j++
		}
		keys, values = keys[:j], values[:j]
	}
	return Decoded{Kind: KindFields, Keys: keys, Values: values}
}

// Stats are counts of notable lines since the Decoder was built.
type Stats struct {
	Blank        int64 // blank lines skipped
	InvalidUTF8  int64 // lines whose invalid UTF-8 was replaced by U+FFFD
	NonObject    int64 // JSON events whose root is not an object
	NoOutput     int64 // JSON lines the filter turned into zero events
	FilterErrors int64 // jq runtime errors (the failing output was skipped)
}

type counters struct {
	blank, invalidUTF8, nonObject, noOutput, filterErrors atomic.Int64
}

// Stats returns the current counts.
func (d *Decoder) Stats() Stats {
	return Stats{
		Blank:        d.stats.blank.Load(),
		InvalidUTF8:  d.stats.invalidUTF8.Load(),
		NonObject:    d.stats.nonObject.Load(),
		NoOutput:     d.stats.noOutput.Load(),
		FilterErrors: d.stats.filterErrors.Load(),
	}
}
