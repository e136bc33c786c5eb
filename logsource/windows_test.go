package logsource

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The shapes a Windows event reaches the recognizer in.
func flatEvent(channel string, eventID any) string {
	return fmt.Sprintf(`{"EventID":%s,"Channel":%q,"Computer":"WS-1","Image":"C:\\x.exe"}`, jsonValue(eventID), channel)
}

func evtxEvent(channel string, eventID any) string {
	return fmt.Sprintf(`{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},`+
		`"System":{"Provider":{"#attributes":{"Name":"P"}},"EventID":%s,"Channel":%q,"Computer":"WS-1"},`+
		`"EventData":{"Image":"C:\\x.exe"}}}`, jsonValue(eventID), channel)
}

func ecsEvent(channel string, eventID any) string {
	return fmt.Sprintf(`{"@timestamp":"2026-01-01T00:00:00Z","winlog":{"channel":%q,"event_id":%s},"host":{"os":{"type":"windows"}}}`,
		channel, jsonValue(eventID))
}

func jsonValue(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case string:
		return v
	}
	panic(v)
}

func TestWindowsExamples(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name  string
		event string
		want  Recognized
	}{
		{"sysmon process creation", flatEvent("Microsoft-Windows-Sysmon/Operational", 1), ls("windows", "sysmon", "process_creation")},
		{"sysmon image load is image_load only", flatEvent("Microsoft-Windows-Sysmon/Operational", 7), ls("windows", "sysmon", "image_load")},
		{"sysmon registry create or delete", evtxEvent("Microsoft-Windows-Sysmon/Operational", 12), ls("windows", "sysmon", "registry_add,registry_delete,registry_event")},
		{"sysmon registry set", evtxEvent("Microsoft-Windows-Sysmon/Operational", 13), ls("windows", "sysmon", "registry_event,registry_set")},
		{"sysmon registry rename", evtxEvent("Microsoft-Windows-Sysmon/Operational", 14), ls("windows", "sysmon", "registry_event,registry_rename")},
		{"sysmon dns query", ecsEvent("Microsoft-Windows-Sysmon/Operational", 22), ls("windows", "sysmon", "dns_query")},
		{"sysmon config change", evtxEvent("Microsoft-Windows-Sysmon/Operational", 16), ls("windows", "sysmon", "sysmon_status")},
		{"sysmon unknown event id", flatEvent("Microsoft-Windows-Sysmon/Operational", 99), ls("windows", "sysmon", "")},
		{"security process creation", flatEvent("Security", 4688), ls("windows", "security", "process_creation")},
		{"security registry value", evtxEvent("Security", 4657), ls("windows", "security", "registry_add,registry_delete,registry_event,registry_set")},
		{"security object access", evtxEvent("Security", 4663), ls("windows", "security", "file_access,file_delete,file_event")},
		{"security filtering platform", evtxEvent("Security", 5156), ls("windows", "security", "network_connection")},
		{"security logon has no category", flatEvent("Security", 4624), ls("windows", "security", "")},
		{"event id as a string", flatEvent("Security", `"4688"`), ls("windows", "security", "process_creation")},
		{"event id with qualifiers", evtxEvent("Security", `{"#text":4688,"#attributes":{"Qualifiers":0}}`), ls("windows", "security", "process_creation")},
		{"no event id: any category of the channel", evtxEvent("Microsoft-Windows-PowerShell/Operational", `null`), ls("windows", "powershell", "ps_module,ps_script")},
		{"powershell module", evtxEvent("Microsoft-Windows-PowerShell/Operational", 4103), ls("windows", "powershell", "ps_module")},
		{"powershell script block", flatEvent("Microsoft-Windows-PowerShell/Operational", 4104), ls("windows", "powershell", "ps_script")},
		{"powershell 7 script block", flatEvent("PowerShellCore/Operational", 4104), ls("windows", "powershell", "ps_script")},
		{"powershell classic start", evtxEvent("Windows PowerShell", 400), ls("windows", "powershell-classic", "ps_classic_start")},
		{"powershell classic provider", evtxEvent("Windows PowerShell", 600), ls("windows", "powershell-classic", "ps_classic_provider_start")},
		{"powershell classic pipeline", evtxEvent("Windows PowerShell", 800), ls("windows", "powershell-classic", "ps_classic_script")},
		{"bits client is no process creation", evtxEvent("Microsoft-Windows-Bits-Client/Operational", 59), ls("windows", "bits-client", "")},
		{"system service install", evtxEvent("System", 7045), ls("windows", "system", "")},
		{"application antivirus vendors", evtxEvent("Application", 1000), ls("windows", "application", "antivirus")},
		{"application sql server audit", evtxEvent("Application", 33205), ls("windows", "application", "antivirus,database")},
		{"defender detection", ecsEvent("Microsoft-Windows-Windows Defender/Operational", 1116), ls("windows", "windefend", "antivirus")},
		{"defender other event", ecsEvent("Microsoft-Windows-Windows Defender/Operational", 5007), ls("windows", "windefend", "")},
		{"channel is case-insensitive", flatEvent("microsoft-windows-sysmon/operational", 1), ls("windows", "sysmon", "process_creation")},
		{"unlisted channel (RDP)", evtxEvent("Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational", 131), ls("windows", "", "")},
		{"unlisted flat channel with a slash", flatEvent("Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational", 1149), ls("windows", "", "")},
		{"an application's own Channel is no Windows channel", flatEvent("general", 3), unrecognized},
		{"a flat Channel without EventID", `{"Channel":"Security","msg":"x"}`, unrecognized},
		{"forwarded events reveal only the product", evtxEvent("ForwardedEvents", 1), ls("windows", "?", "?")},
		{"sysmon for linux", evtxEvent("Linux-Sysmon/Operational", 1), ls("linux", "sysmon", "process_creation")},
		{"rpc firewall", evtxEvent("RPCFW", 3), ls("rpc_firewall,windows", "", "application")},
		{"kernel-file etw", evtxEvent("Microsoft-Windows-Kernel-File/Analytic", 12), ls("windows", "", "file_access,file_change,file_delete,file_event,file_rename")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := f.recognize(tc.event); got.String() != tc.want.String() {
				t.Errorf("%s\n got %s\nwant %s", tc.event, got, tc.want)
			}
		})
	}
}

// The Eventlog-cleared record of the System log names the cleared log in
// UserData; flattening lets that Channel win, recognition must still read
// the System channel.
func TestWindowsReadsTheSystemChannel(t *testing.T) {
	f := newFixture(t)
	line := `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Eventlog"}},"EventID":104,"Channel":"System"},` +
		`"UserData":{"LogFileCleared":{"SubjectUserName":"bob","Channel":"Microsoft-Windows-Sysmon/Operational"}}}}`
	if got, want := f.recognize(line), ls("windows", "system", ""); got.String() != want.String() {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestWindowsTable walks every row of the table in every event shape, by
// every channel spelling and EventID, plus an EventID the row does not
// list and none at all.
func TestWindowsTable(t *testing.T) {
	f := newFixture(t)
	shapes := map[string]func(string, any) string{"flat": flatEvent, "evtx": evtxEvent, "ecs": ecsEvent}
	for _, row := range WindowsChannels {
		products := row.Products
		if products == nil {
			products = []string{"windows"}
		}
		service := row.Service
		expect := func(extra ...string) Recognized {
			if row.RevealsProductOnly {
				return ls(strings.Join(products, ","), "?", "?")
			}
			return ls(strings.Join(products, ","), service, strings.Join(append(slices.Clone(row.Categories), extra...), ","))
		}
		var all []string
		for _, e := range row.Events {
			all = append(all, e.Categories...)
		}
		for _, channel := range row.Channels {
			for shape, build := range shapes {
				for _, e := range row.Events {
					for _, id := range e.IDs {
						check(t, f, build(channel, id), expect(e.Categories...))
					}
				}
				check(t, f, build(channel, 65535), expect())
				check(t, f, build(channel, `"n/a"`), expect(all...))
				check(t, f, build(strings.ToUpper(channel), 65535), expect())
				_ = shape
			}
		}
	}
}

func check(t *testing.T, f *fixture, line string, want Recognized) {
	t.Helper()
	if got := f.recognize(line); got.String() != want.String() {
		t.Errorf("%s\n got %s\nwant %s", line, got, want)
	}
}

// Recognition of the nested shape does not depend on the decoder.
func TestWindowsNestedWithoutDecoder(t *testing.T) {
	f := newFixture(t)
	got := f.recognizeRaw(evtxEvent("Microsoft-Windows-Sysmon/Operational", 7))
	if want := ls("windows", "sysmon", "image_load"); got.String() != want.String() {
		t.Errorf("got %s, want %s", got, want)
	}
}
