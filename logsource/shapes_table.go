package logsource

import "slices"

func eq(field string, values ...string) Condition {
	return Condition{Field: field, Op: OpEquals, Values: values}
}
func exists(field string) Condition { return Condition{Field: field, Op: OpExists} }
func startsWith(field string, values ...string) Condition {
	return Condition{Field: field, Op: OpStartsWith, Values: values}
}
func endsWith(field string, values ...string) Condition {
	return Condition{Field: field, Op: OpEndsWith, Values: values}
}
func contains(field string, values ...string) Condition {
	return Condition{Field: field, Op: OpContains, Values: values}
}

func when(c ...Condition) []Condition { return c }

// reveals builds a Recognized; a nil slice leaves that dimension unknown,
// an empty one says "none of the known names".
func reveals(products, services, categories []string) Recognized {
	d := func(names []string) Dimension {
		if names == nil {
			return Unknown()
		}
		return OneOf(names...)
	}
	return Recognized{Product: d(products), Service: d(services), Category: d(categories)}
}

var none = []string{}

// Shapes is the builtin table of non-Windows event shapes: cloud and SaaS
// audit records, network sensors, Linux audit, CEF headers, syslog app
// names and ECS datasets. Each is recognized by one or two fields that name
// the source cheaply. Audit records of cloud and SaaS services carry no
// generic category; network sensors and devices keep the category unknown
// (their records may feed dns, firewall or proxy rules).
var Shapes = slices.Concat(builtinShapes, zeekShapes())

// zeekLogs are the Zeek logs recognized by name: SigmaHQ's zeek services
// and the other logs of a default Zeek install.
var zeekLogs = []string{
	"conn", "dce_rpc", "dhcp", "dns", "files", "ftp", "http", "kerberos", "notice", "ntlm",
	"rdp", "smb_files", "smb_mapping", "smtp", "ssh", "ssl", "weird", "x509",
}

// zeekShapes recognizes Zeek logs: the log name (_path, or the ECS dataset
// zeek.<name>) is the SigmaHQ service.
func zeekShapes() []Mapping {
	var out []Mapping
	for _, name := range zeekLogs {
		out = append(out, Mapping{Name: "Zeek " + name + " log", When: when(eq("_path", name)),
			Logsource: reveals(cats("zeek"), cats(name), nil)})
	}
	out = append(out,
		Mapping{Name: "Zeek log (other _path)", When: when(exists("_path"), exists("id.orig_h")),
			Logsource: reveals(cats("zeek"), none, nil)},
		Mapping{Name: "Zeek log", When: when(exists("uid"), exists("id.orig_h")),
			Logsource: reveals(cats("zeek"), nil, nil)})
	for _, name := range zeekLogs {
		out = append(out, Mapping{Name: "ECS zeek." + name, When: when(eq("event.dataset", "zeek."+name)),
			Logsource: reveals(cats("zeek"), cats(name), nil)})
	}
	return append(out, Mapping{Name: "ECS module zeek", When: when(eq("event.module", "zeek")),
		Logsource: reveals(cats("zeek"), nil, nil)})
}

var builtinShapes = []Mapping{
	// AWS
	{Name: "AWS CloudTrail", When: when(endsWith("eventSource", ".amazonaws.com")),
		Logsource: reveals(cats("aws"), cats("cloudtrail"), none)},
	// Microsoft 365: the alert shape SigmaHQ's rules use, then the
	// Management Activity API record.
	{Name: "Microsoft 365 security alert", When: when(eq("eventSource", "SecurityComplianceCenter")),
		Logsource: reveals(cats("m365"), cats("threat_management", "threat_detection"), none)},
	{Name: "Microsoft 365 Exchange alert", When: when(eq("eventSource", "Exchange"), exists("eventName")),
		Logsource: reveals(cats("m365"), cats("exchange"), none)},
	{Name: "Microsoft 365 audit record", When: when(exists("Workload"), exists("RecordType"), exists("Operation")),
		Logsource: reveals(cats("m365"), nil, none)},
	// Azure: diagnostic-settings exports (category), Log Analytics tables
	// (Type), Graph risk detections and PIM alerts (riskEventType).
	{Name: "Azure sign-in logs", When: when(eq("category", "SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs", "ManagedIdentitySignInLogs", "ADFSSignInLogs"), exists("operationName")),
		Logsource: reveals(cats("azure"), cats("signinlogs"), none)},
	{Name: "Azure audit logs", When: when(eq("category", "AuditLogs"), exists("operationName")),
		Logsource: reveals(cats("azure"), cats("auditlogs", "pim"), none)},
	{Name: "Azure risk detections", When: when(eq("category", "UserRiskEvents", "RiskyUsers", "ServicePrincipalRiskEvents", "RiskyServicePrincipals"), exists("operationName")),
		Logsource: reveals(cats("azure"), cats("riskdetection"), none)},
	{Name: "Azure activity logs", When: when(eq("category", "Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy", "Autoscale", "ResourceHealth"), exists("operationName"), exists("resourceId")),
		Logsource: reveals(cats("azure"), cats("activitylogs"), none)},
	{Name: "Azure sign-in logs (Log Analytics)", When: when(eq("Type", "SigninLogs", "AADNonInteractiveUserSignInLogs", "AADServicePrincipalSignInLogs", "AADManagedIdentitySignInLogs")),
		Logsource: reveals(cats("azure"), cats("signinlogs"), none)},
	{Name: "Azure audit logs (Log Analytics)", When: when(eq("Type", "AuditLogs")),
		Logsource: reveals(cats("azure"), cats("auditlogs", "pim"), none)},
	{Name: "Azure activity logs (Log Analytics)", When: when(eq("Type", "AzureActivity")),
		Logsource: reveals(cats("azure"), cats("activitylogs"), none)},
	{Name: "Azure risk detections (Log Analytics)", When: when(eq("Type", "AADUserRiskEvents", "AADRiskyUsers", "AADServicePrincipalRiskEvents", "AADRiskyServicePrincipals")),
		Logsource: reveals(cats("azure"), cats("riskdetection"), none)},
	{Name: "Azure risk detection or PIM alert", When: when(exists("riskEventType")),
		Logsource: reveals(cats("azure"), cats("riskdetection", "pim"), none)},
	// Google Cloud and Workspace
	{Name: "GCP audit log", When: when(eq("protoPayload.@type", "type.googleapis.com/google.cloud.audit.AuditLog")),
		Logsource: reveals(cats("gcp"), cats("gcp.audit"), none)},
	{Name: "GCP audit log (logName)", When: when(contains("logName", "/logs/cloudaudit.googleapis.com")),
		Logsource: reveals(cats("gcp"), cats("gcp.audit"), none)},
	{Name: "Google Workspace admin activity", When: when(eq("kind", "admin#reports#activity"), eq("id.applicationName", "admin")),
		Logsource: reveals(cats("gcp"), cats("google_workspace.admin"), none)},
	{Name: "Google Workspace login activity", When: when(eq("kind", "admin#reports#activity"), eq("id.applicationName", "login")),
		Logsource: reveals(cats("gcp"), cats("google_workspace.login"), none)},
	{Name: "Google Workspace activity", When: when(eq("kind", "admin#reports#activity")),
		Logsource: reveals(cats("gcp"), none, none)},
	// Identity providers and code hosting
	{Name: "Okta System Log", When: when(exists("eventType"), exists("displayMessage")),
		Logsource: reveals(cats("okta"), cats("okta"), none)},
	{Name: "OneLogin event", When: when(exists("event_type_id"), exists("account_id")),
		Logsource: reveals(cats("onelogin"), cats("onelogin.events"), none)},
	{Name: "GitHub audit log", When: when(exists("_document_id"), exists("action")),
		Logsource: reveals(cats("github"), cats("audit"), none)},
	{Name: "Bitbucket audit log", When: when(exists("auditType.category"), exists("auditType.action")),
		Logsource: reveals(cats("bitbucket"), cats("audit"), none)},
	{Name: "Kubernetes audit event", When: when(startsWith("apiVersion", "audit.k8s.io/"), eq("kind", "Event")),
		Logsource: reveals(cats("kubernetes"), cats("audit"), cats("application"))},
	{Name: "OpenCanary event", When: when(exists("logtype"), exists("node_id"), exists("dst_host")),
		Logsource: reveals(cats("opencanary"), nil, cats("application"))},
	// Linux audit: raw records and auditbeat's raw message.
	{Name: "Linux auditd record", When: when(startsWith("msg", "audit(")),
		Logsource: reveals(cats("linux"), cats("auditd"), nil)},
	// Syslog program names of the Linux services SigmaHQ has rules for; a
	// program name says nothing about the platform.
	{Name: "sshd syslog", When: when(eq("appname", "sshd")), Logsource: reveals(nil, cats("sshd"), nil)},
	{Name: "cron syslog", When: when(eq("appname", "cron", "crond")), Logsource: reveals(nil, cats("cron"), nil)},
	{Name: "sudo syslog", When: when(eq("appname", "sudo")), Logsource: reveals(nil, cats("sudo"), nil)},
	{Name: "vsftpd syslog", When: when(eq("appname", "vsftpd")), Logsource: reveals(nil, cats("vsftpd"), nil)},
	{Name: "ClamAV syslog", When: when(eq("appname", "clamd", "freshclam")), Logsource: reveals(nil, cats("clamav"), nil)},
	{Name: "Guacamole syslog", When: when(eq("appname", "guacd")), Logsource: reveals(nil, cats("guacamole"), nil)},
	// CEF headers of the vendors SigmaHQ has rules for.
	{Name: "CEF Fortinet FortiGate", When: when(eq("deviceVendor", "Fortinet"), startsWith("deviceProduct", "FortiGate")),
		Logsource: reveals(cats("fortigate"), nil, nil)},
	{Name: "CEF Palo Alto Networks", When: when(eq("deviceVendor", "Palo Alto Networks")),
		Logsource: reveals(cats("paloalto"), nil, nil)},
	{Name: "CEF Cisco", When: when(eq("deviceVendor", "Cisco")),
		Logsource: reveals(cats("cisco"), nil, nil)},
	{Name: "CEF Huawei", When: when(eq("deviceVendor", "Huawei")),
		Logsource: reveals(cats("huawei"), nil, nil)},
	{Name: "CEF Juniper", When: when(eq("deviceVendor", "Juniper", "Juniper Networks")),
		Logsource: reveals(cats("juniper"), nil, nil)},
	// ECS datasets of Elastic integrations (Beats modules, Agent).
	{Name: "ECS aws.cloudtrail", When: when(eq("event.dataset", "aws.cloudtrail")),
		Logsource: reveals(cats("aws"), cats("cloudtrail"), none)},
	{Name: "ECS azure.activitylogs", When: when(eq("event.dataset", "azure.activitylogs")),
		Logsource: reveals(cats("azure"), cats("activitylogs"), none)},
	{Name: "ECS azure.auditlogs", When: when(eq("event.dataset", "azure.auditlogs")),
		Logsource: reveals(cats("azure"), cats("auditlogs", "pim"), none)},
	{Name: "ECS azure.signinlogs", When: when(eq("event.dataset", "azure.signinlogs")),
		Logsource: reveals(cats("azure"), cats("signinlogs"), none)},
	{Name: "ECS azure.identity_protection", When: when(eq("event.dataset", "azure.identity_protection")),
		Logsource: reveals(cats("azure"), cats("riskdetection"), none)},
	{Name: "ECS gcp.audit", When: when(eq("event.dataset", "gcp.audit")),
		Logsource: reveals(cats("gcp"), cats("gcp.audit"), none)},
	{Name: "ECS google_workspace.admin", When: when(eq("event.dataset", "google_workspace.admin")),
		Logsource: reveals(cats("gcp"), cats("google_workspace.admin"), none)},
	{Name: "ECS google_workspace.login", When: when(eq("event.dataset", "google_workspace.login")),
		Logsource: reveals(cats("gcp"), cats("google_workspace.login"), none)},
	{Name: "ECS okta.system", When: when(eq("event.dataset", "okta.system")),
		Logsource: reveals(cats("okta"), cats("okta"), none)},
	{Name: "ECS o365.audit", When: when(eq("event.dataset", "o365.audit")),
		Logsource: reveals(cats("m365"), nil, none)},
	{Name: "ECS github.audit", When: when(eq("event.dataset", "github.audit")),
		Logsource: reveals(cats("github"), cats("audit"), none)},
	{Name: "ECS kubernetes.audit_logs", When: when(eq("event.dataset", "kubernetes.audit_logs")),
		Logsource: reveals(cats("kubernetes"), cats("audit"), cats("application"))},
	{Name: "ECS auditd", When: when(eq("event.dataset", "auditd.log")),
		Logsource: reveals(cats("linux"), cats("auditd"), nil)},
	{Name: "ECS module aws", When: when(eq("event.module", "aws")), Logsource: reveals(cats("aws"), nil, none)},
	{Name: "ECS module azure", When: when(eq("event.module", "azure")), Logsource: reveals(cats("azure"), nil, none)},
	{Name: "ECS module gcp", When: when(eq("event.module", "gcp", "google_workspace")), Logsource: reveals(cats("gcp"), nil, none)},
	{Name: "ECS module okta", When: when(eq("event.module", "okta")), Logsource: reveals(cats("okta"), nil, none)},
	{Name: "ECS module o365", When: when(eq("event.module", "o365")), Logsource: reveals(cats("m365"), nil, none)},
	{Name: "ECS module auditd", When: when(eq("event.module", "auditd")), Logsource: reveals(cats("linux"), cats("auditd"), nil)},
}
