package logsource

import (
	"fmt"
	"testing"
)

// shapeExamples holds, per builtin shape (by Mapping.Name), an event of
// that shape and what it must reveal. TestEveryShapeHasAnExample keeps it
// complete.
var shapeExamples = map[string]struct {
	event string
	want  Recognized
}{
	"AWS CloudTrail": {`{"eventVersion":"1.08","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1"}`,
		ls("aws", "cloudtrail", "")},
	"Microsoft 365 security alert": {`{"eventSource":"SecurityComplianceCenter","eventName":"Potential ransomware activity","status":"success"}`,
		ls("m365", "threat_detection,threat_management", "")},
	"Microsoft 365 Exchange alert": {`{"eventSource":"Exchange","eventName":"Add-FederatedDomain","status":"success"}`,
		ls("m365", "exchange", "")},
	"Microsoft 365 audit record": {`{"CreationTime":"2026-01-01T00:00:00","Operation":"UserLoggedIn","RecordType":15,"Workload":"AzureActiveDirectory"}`,
		ls("m365", "?", "")},
	"Azure sign-in logs": {`{"time":"2026-01-01T00:00:00Z","category":"SignInLogs","operationName":"Sign-in activity","properties":{}}`,
		ls("azure", "signinlogs", "")},
	"Azure audit logs": {`{"category":"AuditLogs","operationName":"Add member to role","properties":{}}`,
		ls("azure", "auditlogs,pim", "")},
	"Azure risk detections": {`{"category":"UserRiskEvents","operationName":"User Risk Detection"}`,
		ls("azure", "riskdetection", "")},
	"Azure activity logs": {`{"category":"Administrative","operationName":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE","resourceId":"/SUBSCRIPTIONS/X"}`,
		ls("azure", "activitylogs", "")},
	"Azure sign-in logs (Log Analytics)":    {`{"Type":"SigninLogs","ResultType":50053}`, ls("azure", "signinlogs", "")},
	"Azure audit logs (Log Analytics)":      {`{"Type":"AuditLogs","OperationName":"Add user"}`, ls("azure", "auditlogs,pim", "")},
	"Azure activity logs (Log Analytics)":   {`{"Type":"AzureActivity","CategoryValue":"Administrative"}`, ls("azure", "activitylogs", "")},
	"Azure risk detections (Log Analytics)": {`{"Type":"AADUserRiskEvents","RiskEventType":"anonymizedIPAddress"}`, ls("azure", "riskdetection", "")},
	"Azure risk detection or PIM alert":     {`{"riskEventType":"anomalousToken","riskLevel":"high"}`, ls("azure", "pim,riskdetection", "")},
	"GCP audit log": {`{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"storage.buckets.list"}}`,
		ls("gcp", "gcp.audit", "")},
	"GCP audit log (logName)": {`{"logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","resource":{}}`,
		ls("gcp", "gcp.audit", "")},
	"Google Workspace admin activity": {`{"kind":"admin#reports#activity","id":{"applicationName":"admin"},"events":[]}`,
		ls("gcp", "google_workspace.admin", "")},
	"Google Workspace login activity": {`{"kind":"admin#reports#activity","id":{"applicationName":"login"},"events":[]}`,
		ls("gcp", "google_workspace.login", "")},
	"Google Workspace activity": {`{"kind":"admin#reports#activity","id":{"applicationName":"drive"}}`,
		ls("gcp", "", "")},
	"Okta System Log": {`{"uuid":"1","eventType":"user.session.start","displayMessage":"User login to Okta","actor":{}}`,
		ls("okta", "okta", "")},
	"OneLogin event": {`{"id":1,"event_type_id":5,"account_id":7,"user_id":9}`,
		ls("onelogin", "onelogin.events", "")},
	"GitHub audit log": {`{"_document_id":"abc","action":"repo.destroy","actor":"octocat","org":"o"}`,
		ls("github", "audit", "")},
	"Bitbucket audit log": {`{"auditType":{"category":"Permissions","action":"Global permission remitted"}}`,
		ls("bitbucket", "audit", "")},
	"Kubernetes audit event": {`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"pods"}}`,
		ls("kubernetes", "audit", "application")},
	"OpenCanary event": {`{"dst_host":"10.0.0.1","dst_port":22,"logtype":4002,"node_id":"opencanary-1","src_host":"10.0.0.9"}`,
		ls("opencanary", "?", "application")},
	"Zeek log (other _path)": {`{"_path":"capture_loss","ts":1,"id.orig_h":"10.0.0.1"}`, ls("zeek", "", "?")},
	"Zeek log":               {`{"ts":1,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2"}`, ls("zeek", "?", "?")},
	"Linux auditd record":    {`type=EXECVE msg=audit(1700000000.123:456): argc=2 a0="curl" a1="x"`, ls("linux", "auditd", "?")},
	"sshd syslog":            {`<38>Jan  1 00:00:00 host sshd[42]: Accepted publickey for bob`, ls("?", "sshd", "?")},
	"cron syslog":            {`<78>Jan  1 00:00:00 host cron[42]: (root) CMD (run-parts /etc/cron.hourly)`, ls("?", "cron", "?")},
	"sudo syslog":            {`<85>Jan  1 00:00:00 host sudo[42]: bob : TTY=pts/0 ; COMMAND=/bin/id`, ls("?", "sudo", "?")},
	"vsftpd syslog":          {`<30>Jan  1 00:00:00 host vsftpd[42]: OK LOGIN: Client "1.2.3.4"`, ls("?", "vsftpd", "?")},
	"ClamAV syslog":          {`<30>Jan  1 00:00:00 host clamd[42]: /tmp/x: Eicar-Signature FOUND`, ls("?", "clamav", "?")},
	"Guacamole syslog":       {`<30>Jan  1 00:00:00 host guacd[42]: User "bob" joined connection`, ls("?", "guacamole", "?")},
	"CEF Fortinet FortiGate": {`CEF:0|Fortinet|Fortigate|7.0|0100032001|event|5|cs1=x`, ls("fortigate", "?", "?")},
	"CEF Palo Alto Networks": {`CEF:0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|end|3|src=10.0.0.1`, ls("paloalto", "?", "?")},
	"CEF Cisco":              {`CEF:0|Cisco|ASA|9.1|106023|deny|5|src=10.0.0.1`, ls("cisco", "?", "?")},
	"CEF Huawei":             {`CEF:0|Huawei|USG|1|1|x|5|src=10.0.0.1`, ls("huawei", "?", "?")},
	"CEF Juniper":            {`CEF:0|Juniper Networks|SRX|1|1|x|5|src=10.0.0.1`, ls("juniper", "?", "?")},
	"ECS aws.cloudtrail":     {`{"event":{"dataset":"aws.cloudtrail","module":"aws"},"aws":{}}`, ls("aws", "cloudtrail", "")},
	"ECS azure.activitylogs": {`{"event":{"dataset":"azure.activitylogs"}}`, ls("azure", "activitylogs", "")},
	"ECS azure.auditlogs":    {`{"event":{"dataset":"azure.auditlogs"}}`, ls("azure", "auditlogs,pim", "")},
	"ECS azure.signinlogs":   {`{"event":{"dataset":"azure.signinlogs"}}`, ls("azure", "signinlogs", "")},
	"ECS azure.identity_protection": {`{"event":{"dataset":"azure.identity_protection"}}`,
		ls("azure", "riskdetection", "")},
	"ECS gcp.audit":              {`{"event":{"dataset":"gcp.audit"}}`, ls("gcp", "gcp.audit", "")},
	"ECS google_workspace.admin": {`{"event":{"dataset":"google_workspace.admin"}}`, ls("gcp", "google_workspace.admin", "")},
	"ECS google_workspace.login": {`{"event":{"dataset":"google_workspace.login"}}`, ls("gcp", "google_workspace.login", "")},
	"ECS okta.system":            {`{"event":{"dataset":"okta.system"}}`, ls("okta", "okta", "")},
	"ECS o365.audit":             {`{"event":{"dataset":"o365.audit"}}`, ls("m365", "?", "")},
	"ECS github.audit":           {`{"event":{"dataset":"github.audit"}}`, ls("github", "audit", "")},
	"ECS kubernetes.audit_logs":  {`{"event":{"dataset":"kubernetes.audit_logs"}}`, ls("kubernetes", "audit", "application")},
	"ECS auditd":                 {`{"event":{"dataset":"auditd.log","category":["process"]},"host":{"os":{"type":"linux"}}}`, ls("linux", "auditd", "create_remote_thread,process_access,process_creation,process_tampering,process_termination,raw_access_thread")},
	"ECS module aws":             {`{"event":{"module":"aws","dataset":"aws.s3access"}}`, ls("aws", "?", "")},
	"ECS module azure":           {`{"event":{"module":"azure","dataset":"azure.platformlogs"}}`, ls("azure", "?", "")},
	"ECS module gcp":             {`{"event":{"module":"gcp","dataset":"gcp.vpcflow"}}`, ls("gcp", "?", "")},
	"ECS module okta":            {`{"event":{"module":"okta"}}`, ls("okta", "?", "")},
	"ECS module o365":            {`{"event":{"module":"o365"}}`, ls("m365", "?", "")},
	"ECS module auditd":          {`{"event":{"module":"auditd"}}`, ls("linux", "auditd", "?")},
	"ECS module zeek":            {`{"event":{"module":"zeek","dataset":"zeek.capture_loss"}}`, ls("zeek", "?", "?")},
}

func init() {
	for _, name := range zeekLogs {
		shapeExamples["Zeek "+name+" log"] = struct {
			event string
			want  Recognized
		}{fmt.Sprintf(`{"_path":%q,"ts":1,"uid":"C1","id.orig_h":"10.0.0.1"}`, name), ls("zeek", name, "?")}
		shapeExamples["ECS zeek."+name] = struct {
			event string
			want  Recognized
		}{fmt.Sprintf(`{"event":{"module":"zeek","dataset":"zeek.%s"}}`, name), ls("zeek", name, "?")}
	}
}

func TestShapes(t *testing.T) {
	f := newFixture(t)
	for name, ex := range shapeExamples {
		t.Run(name, func(t *testing.T) {
			if got := f.recognize(ex.event); got.String() != ex.want.String() {
				t.Errorf("%s\n got %s\nwant %s", ex.event, got, ex.want)
			}
		})
	}
}

func TestEveryShapeHasAnExample(t *testing.T) {
	names := map[string]bool{}
	for _, m := range Shapes {
		if names[m.Name] {
			t.Errorf("two shapes named %q", m.Name)
		}
		names[m.Name] = true
		if _, ok := shapeExamples[m.Name]; !ok {
			t.Errorf("shape %q has no example in shapeExamples", m.Name)
		}
	}
	for name := range shapeExamples {
		if !names[name] {
			t.Errorf("example %q names no shape", name)
		}
	}
}

// Near misses: fields that look like a shape's but are not enough.
func TestShapesNearMisses(t *testing.T) {
	f := newFixture(t)
	for _, line := range []string{
		`{"eventSource":"my-app","eventName":"login"}`,                // not an AWS service
		`{"category":"AuditLogs"}`,                                    // no operationName
		`{"category":"Security","operationName":"x"}`,                 // activity log needs resourceId
		`{"kind":"Event","apiVersion":"v1"}`,                          // a Kubernetes object, not an audit event
		`{"eventType":"click"}`,                                       // no displayMessage
		`{"action":"push"}`,                                           // no _document_id
		`{"type":"EXECVE","msg":"exec"}`,                              // msg is no audit record
		`{"logtype":4002}`,                                            // not enough for OpenCanary
		`CEF:0|Acme|Gadget|1|1|x|5|src=10.0.0.1`,                      // a vendor SigmaHQ has no rules for
		`<38>Jan  1 00:00:00 host myapp[42]: hello`,                   // an app SigmaHQ has no rules for
		`{"uid":"u1","user":"bob"}`,                                   // uid alone is no Zeek log
		`{"logName":"projects/p/logs/stdout","textPayload":"hello"}`,  // not an audit log
		`{"protoPayload":{"@type":"type.googleapis.com/other"}}`,      // not an audit log
		`{"event":{"dataset":"nginx.access","module":"nginx"},"x":1}`, // an ECS dataset without a mapping
	} {
		if got := f.recognize(line); got.String() != unrecognized.String() {
			t.Errorf("%s: got %s, want unrecognized", line, got)
		}
	}
}
