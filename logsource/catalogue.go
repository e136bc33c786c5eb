package logsource

// The catalogue: logsource names of the SigmaHQ taxonomy (the rules of the
// corpus, SigmaHQ's tests/logsource.json and its logsource guides) that no
// recognition table below produces. A closed set excludes a rule only for
// names this package knows (doc.go), so a Windows event excludes a `cisco`
// rule although nothing here recognizes Cisco logs; a rule's own product or
// category, unknown to the catalogue, is never excluded.
var (
	catalogueProducts = []string{
		"bitbucket", "cisco", "django", "fortigate", "fortios", "github", "huawei",
		"juniper", "jvm", "kubernetes", "linux", "macos", "modsecurity", "nodejs",
		"onelogin", "opencanary", "paloalto", "python", "qualys", "rpc_firewall",
		"ruby_on_rails", "spring", "sql", "velocity", "windows", "zeek",
	}
	catalogueServices = []string{
		// Windows (tests/logsource.json, beyond the channel table)
		"iis",
		// Linux and web servers
		"apache", "auditd", "auth", "clamav", "cron", "guacamole", "modsecurity",
		"netflow", "nginx", "sshd", "sudo", "syslog", "vsftpd",
		// network devices
		"aaa", "bgp", "duo", "event", "globalprotect", "ldp", "sslvpnd",
		// SaaS and cloud
		"audit", "exchange", "threat_detection", "threat_management",
	}
	catalogueCategories = []string{
		"antivirus", "application", "database", "dns", "firewall", "proxy", "webserver",
		"file_block", "raw_access_read",
	}
)
