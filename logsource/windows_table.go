package logsource

// ChannelMapping is one row of the Windows table: the logsource of the
// events of one event log channel (or of several spellings of it).
type ChannelMapping struct {
	// Channels are the channel names as Windows writes them (System/Channel,
	// winlog.channel); matched case-insensitively.
	Channels []string
	// Products is the product set; nil means {windows}.
	Products []string
	// Service is the SigmaHQ service of the channel; "" when SigmaHQ names
	// none, so the events are none of the known services.
	Service string
	// Categories are the categories every event of the channel can be.
	Categories []string
	// Events adds categories by EventID. An EventID not listed has only
	// Categories; an event without a readable EventID can be any category
	// the row names.
	Events []EventCategories
	// RevealsProductOnly marks a channel that carries events of every
	// channel (ForwardedEvents): only the product is revealed.
	RevealsProductOnly bool
}

// EventCategories lists the categories of events with the given EventIDs.
type EventCategories struct {
	IDs        []int
	Categories []string
}

func cats(n ...string) []string { return n }
func ev(categories []string, eventIDs ...int) EventCategories {
	return EventCategories{IDs: eventIDs, Categories: categories}
}

// sysmonEvents maps Sysmon EventIDs to SigmaHQ categories (pySigma's
// sysmon pipeline and SigmaHQ's logsource guides, in both of the spellings
// SigmaHQ uses for clipboard and file-block events).
var sysmonEvents = []EventCategories{
	ev(cats("process_creation"), 1),
	ev(cats("file_change"), 2),
	ev(cats("network_connection"), 3),
	ev(cats("sysmon_status"), 4, 16),
	ev(cats("process_termination"), 5),
	ev(cats("driver_load"), 6),
	ev(cats("image_load"), 7),
	ev(cats("create_remote_thread"), 8),
	ev(cats("raw_access_thread"), 9),
	ev(cats("process_access"), 10),
	ev(cats("file_event"), 11),
	ev(cats("registry_add", "registry_delete", "registry_event"), 12),
	ev(cats("registry_set", "registry_event"), 13),
	ev(cats("registry_rename", "registry_event"), 14),
	ev(cats("create_stream_hash"), 15),
	ev(cats("pipe_created"), 17, 18),
	ev(cats("wmi_event"), 19, 20, 21),
	ev(cats("dns_query"), 22),
	ev(cats("file_delete"), 23),
	ev(cats("clipboard_capture", "clipboard_change"), 24),
	ev(cats("process_tampering"), 25),
	ev(cats("file_delete", "file_delete_detected"), 26),
	ev(cats("file_block_executable", "file_block"), 27),
	ev(cats("file_block_shredding", "file_block"), 28),
	ev(cats("file_executable_detected"), 29),
	ev(cats("sysmon_error"), 255),
}

// linuxSysmonEvents are the EventIDs Sysmon for Linux writes.
var linuxSysmonEvents = []EventCategories{
	ev(cats("process_creation"), 1),
	ev(cats("network_connection"), 3),
	ev(cats("sysmon_status"), 4, 16),
	ev(cats("process_termination"), 5),
	ev(cats("raw_access_read"), 9),
	ev(cats("file_event"), 11),
	ev(cats("file_delete"), 23),
}

// WindowsChannels is the builtin Windows table: SigmaHQ's service → channel
// mapping (pySigma's windows_logsource_mapping, extended by the services
// SigmaHQ's rules and tests name) with the categories each channel's
// events can be. Security-audit events carry the generic categories that
// SigmaHQ's Windows-audit conversions map to them; every other channel
// carries no generic category except where listed.
var WindowsChannels = []ChannelMapping{
	{Channels: cats("Microsoft-Windows-Sysmon/Operational"), Service: "sysmon", Events: sysmonEvents},
	{Channels: cats("Security"), Service: "security", Events: []EventCategories{
		ev(cats("process_creation"), 4688),
		ev(cats("process_termination"), 4689),
		ev(cats("registry_add", "registry_delete", "registry_event", "registry_set"), 4657),
		ev(cats("file_access", "file_event", "file_delete"), 4663),
		ev(cats("file_delete"), 4660),
		ev(cats("network_connection"), 5156, 5157),
	}},
	{Channels: cats("System"), Service: "system"},
	{Channels: cats("Application"), Service: "application", Categories: cats("antivirus"), Events: []EventCategories{
		ev(cats("database"), 33205), // SQL Server audit records
	}},
	{Channels: cats("Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"), Service: "powershell", Events: []EventCategories{
		ev(cats("ps_module"), 4103),
		ev(cats("ps_script"), 4104),
	}},
	{Channels: cats("Windows PowerShell"), Service: "powershell-classic", Events: []EventCategories{
		ev(cats("ps_classic_start"), 400),
		ev(cats("ps_classic_provider_start"), 600),
		ev(cats("ps_classic_script"), 800),
	}},
	{Channels: cats("Microsoft-Windows-Windows Defender/Operational"), Service: "windefend", Events: []EventCategories{
		ev(cats("antivirus"), 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116, 1117),
	}},
	{Channels: cats("Microsoft-Windows-TaskScheduler/Operational"), Service: "taskscheduler"},
	{Channels: cats("Microsoft-Windows-WMI-Activity/Operational"), Service: "wmi"},
	{Channels: cats("DNS Server"), Service: "dns-server"},
	{Channels: cats("Microsoft-Windows-DNS-Server/Audit"), Service: "dns-server-audit"},
	{Channels: cats("Microsoft-Windows-DNS-Server/Analytical"), Service: "dns-server-analytic"},
	{Channels: cats("Microsoft-Windows-DNS Client Events/Operational"), Service: "dns-client"},
	{Channels: cats("Microsoft-Windows-DriverFrameworks-UserMode/Operational"), Service: "driver-framework"},
	{Channels: cats("Microsoft-Windows-NTLM/Operational"), Service: "ntlm"},
	{Channels: cats("Microsoft-Windows-DHCP-Server/Operational"), Service: "dhcp"},
	{Channels: cats("MSExchange Management"), Service: "msexchange-management"},
	{Channels: cats(
		"Microsoft-Windows-AppLocker/EXE and DLL",
		"Microsoft-Windows-AppLocker/MSI and Script",
		"Microsoft-Windows-AppLocker/Packaged app-Deployment",
		"Microsoft-Windows-AppLocker/Packaged app-Execution",
	), Service: "applocker"},
	{Channels: cats("Microsoft-Windows-PrintService/Admin"), Service: "printservice-admin"},
	{Channels: cats("Microsoft-Windows-PrintService/Operational"), Service: "printservice-operational"},
	{Channels: cats("Microsoft-Windows-CodeIntegrity/Operational"), Service: "codeintegrity-operational"},
	{Channels: cats("Microsoft-Windows-SmbClient/Security"), Service: "smbclient-security"},
	{Channels: cats("Microsoft-Windows-SmbClient/Connectivity"), Service: "smbclient-connectivity"},
	{Channels: cats("Microsoft-Windows-SMBServer/Connectivity"), Service: "smbserver-connectivity"},
	{Channels: cats("Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"), Service: "firewall-as"},
	{Channels: cats("Microsoft-Windows-Bits-Client/Operational"), Service: "bits-client"},
	{Channels: cats("Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"), Service: "terminalservices-localsessionmanager"},
	{Channels: cats("Microsoft-ServiceBus-Client", "Microsoft-ServiceBus-Client/Admin", "Microsoft-ServiceBus-Client/Operational"), Service: "microsoft-servicebus-client"},
	{Channels: cats("Microsoft-Windows-Security-Mitigations/Kernel Mode", "Microsoft-Windows-Security-Mitigations/User Mode"), Service: "security-mitigations"},
	{Channels: cats("Microsoft-Windows-Diagnosis-Scripted/Operational"), Service: "diagnosis-scripted"},
	{Channels: cats("Microsoft-Windows-Shell-Core/Operational"), Service: "shell-core"},
	{Channels: cats("OpenSSH/Operational"), Service: "openssh"},
	{Channels: cats("Microsoft-Windows-LDAP-Client/Debug"), Service: "ldap"},
	{Channels: cats("Microsoft-Windows-BitLocker/BitLocker Management"), Service: "bitlocker"},
	{Channels: cats("Microsoft-Windows-VHDMP/Operational"), Service: "vhdmp"},
	{Channels: cats("Microsoft-Windows-AppXDeploymentServer/Operational"), Service: "appxdeployment-server"},
	{Channels: cats("Microsoft-Windows-AppxPackaging/Operational"), Service: "appxpackaging-om"},
	{Channels: cats("Microsoft-Windows-AppModel-Runtime/Admin"), Service: "appmodel-runtime"},
	{Channels: cats("Microsoft-Windows-LSA/Operational"), Service: "lsa-server"},
	{Channels: cats("Microsoft-Windows-CAPI2/Operational"), Service: "capi2"},
	{Channels: cats("Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"), Service: "certificateservicesclient-lifecycle-system"},
	{Channels: cats("Microsoft-Windows-Kernel-ShimEngine/Operational", "Microsoft-Windows-Kernel-ShimEngine/Diagnostic"), Service: "kernel-shimengine"},
	{Channels: cats("Microsoft-Windows-Application-Experience/Program-Telemetry", "Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant"), Service: "application-experience"},
	{Channels: cats("Microsoft-Windows-Ntfs/Operational"), Service: "ntfs"},
	{Channels: cats("Microsoft-Windows-Hyper-V-Worker", "Microsoft-Windows-Hyper-V-Worker-Admin"), Service: "hyper-v-worker"},
	{Channels: cats("Microsoft-Windows-Kernel-EventTracing", "Microsoft-Windows-Kernel-EventTracing/Admin"), Service: "kernel-event-tracing"},
	{Channels: cats("Microsoft-Windows-SENSE/Operational"), Service: "sense"},
	{Channels: cats("Microsoft-IIS-Configuration/Operational"), Service: "iis-configuration"},
	// The Kernel-File ETW provider feeds SigmaHQ's file_access and
	// file_rename rules; SigmaHQ names no service for it.
	{Channels: cats("Microsoft-Windows-Kernel-File/Analytic"), Categories: cats("file_access", "file_rename", "file_event", "file_delete", "file_change")},
	// RPC Firewall logs to its own channel; SigmaHQ files its rules under
	// product rpc_firewall, category application.
	{Channels: cats("RPCFW"), Products: cats("rpc_firewall", "windows"), Categories: cats("application")},
	{Channels: cats("Linux-Sysmon/Operational"), Products: cats("linux"), Service: "sysmon", Events: linuxSysmonEvents},
	{Channels: cats("ForwardedEvents"), RevealsProductOnly: true},
}
