package windowsmix

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

func TestWriteIsDeterministicAndCoversEveryKind(t *testing.T) {
	var a, b bytes.Buffer
	if err := Write(&a, 3000, 1); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, 3000, 1); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs with one seed differ")
	}
	channels := map[string]int{}
	sc := bufio.NewScanner(&a)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		var rec struct {
			Event struct {
				System struct {
					Channel string
					EventID int
				}
				EventData map[string]any
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if rec.Event.System.Channel == "" || rec.Event.System.EventID == 0 || len(rec.Event.EventData) == 0 {
			t.Fatalf("line %d lacks Channel, EventID or EventData: %s", n, sc.Text())
		}
		channels[rec.Event.System.Channel]++
	}
	if n != 3000 {
		t.Fatalf("%d lines, want 3000", n)
	}
	for _, ch := range []string{"Microsoft-Windows-Sysmon/Operational", "Security", "Microsoft-Windows-Bits-Client/Operational",
		"Microsoft-Windows-PowerShell/Operational", "System", "Application",
		"Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational", "Microsoft-Windows-Windows Defender/Operational"} {
		if channels[ch] == 0 {
			t.Errorf("no %s record in 3000", ch)
		}
	}
}
