package sigmahq

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// RegressionRecord is one event record of a regression sample file.
type RegressionRecord struct {
	// Rule is the id of the rule the record must fire: the file's name
	// without .json.
	Rule string
	// JSON is the record as the file writes it (pretty-printed EVTX).
	JSON json.RawMessage
}

// RegressionRecords reads every record of the regression samples under
// RegressionDir, file by file in lexical order and in file order within a
// file. An unreadable or malformed file is an error naming it; a folder
// without samples is an error too.
func RegressionRecords() ([]RegressionRecord, error) {
	dir := RegressionDir()
	var out []RegressionRecord
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rule := strings.TrimSuffix(filepath.Base(p), ".json")
		dec := json.NewDecoder(bytes.NewReader(data))
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			out = append(out, RegressionRecord{Rule: rule, JSON: raw})
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("no regression samples under %s", dir)
	}
	return out, err
}
