package sigma

import "testing"

// Cases of conformance-notes.md sections A–G; names start with the case id.

func TestConformanceStructure(t *testing.T) {
	runCases(t, []conformanceCase{
		{name: "C01_map_is_AND", detection: `
sel: {Image|endswith: '\whoami.exe', User: 'alice'}`, events: []ev{
			M(`{"Image":"C:\\Windows\\System32\\whoami.exe","User":"Alice"}`),
			N(`{"Image":"C:\\Windows\\System32\\whoami.exe","User":"bob"}`),
			N(`{"Image":"C:\\x\\whoami.exe"}`)}},
		{name: "C02_value_list_is_OR_numbers", detection: `
sel: {EventID: [4624, 4625]}`, events: []ev{M(`{"EventID":4625}`), M(`{"EventID":"4624"}`), N(`{"EventID":4634}`)}},
		{name: "C03_list_of_maps_is_OR_scalar_is_keyword", detection: `
sel:
  - Image|endswith: '\a.exe'
  - CommandLine|contains: 'evil'
  - 'MALWARE-MARKER'`, events: []ev{
			M(`{"Image":"C:\\b.exe","CommandLine":"run evil"}`), M(`{"Note":"found malware-marker"}`), N(`{"Image":"C:\\b.exe"}`)}},
		{name: "C04_condition_list_is_OR", detection: `
s1: {User: 'root'}
s2: {Uid: 0}
condition: [s1, s2]`, events: []ev{M(`{"Uid":0}`), M(`{"User":"ROOT"}`), N(`{"User":"daemon","Uid":1}`)}},
	})
}

func TestConformanceStrings(t *testing.T) {
	runCases(t, []conformanceCase{
		{name: "C05_case_insensitive_by_default", detection: `sel: {Image|endswith: '\CMD.EXE'}`,
			events: []ev{M(`{"Image":"C:\\Windows\\System32\\cmd.exe"}`)}},
		{name: "C05_cased", detection: `sel: {Image|endswith|cased: '\CMD.EXE'}`,
			events: []ev{N(`{"Image":"C:\\Windows\\System32\\cmd.exe"}`), M(`{"Image":"C:\\X\\CMD.EXE"}`)}},
		{name: "C06_no_modifier_is_whole_value_equality", detection: `sel: {CommandLine: 'whoami'}`,
			events: []ev{N(`{"CommandLine":"whoami /all"}`), M(`{"CommandLine":"WHOAMI"}`), N(`{"CommandLine":" whoami"}`)}},
		{name: "C07_question_mark_is_one_character", detection: `sel: {Image: 'prog?.exe'}`,
			events: []ev{M(`{"Image":"progA.exe"}`), N(`{"Image":"prog.exe"}`), N(`{"Image":"progAB.exe"}`)}},
		{name: "C08_star_inside_exact_value", detection: `sel: {TargetFilename: 'C:\Users\\*\Desktop\\*.lnk'}`,
			events: []ev{M(`{"TargetFilename":"C:\\Users\\bob\\Desktop\\x.lnk"}`),
				N(`{"TargetFilename":"C:\\Users\\bob\\Desktop\\x.lnk.txt"}`), N(`{"TargetFilename":"D:\\Users\\bob\\Desktop\\x.lnk"}`)}},
		{name: "C08_single_backslash_star_is_literal", detection: `sel: {TargetFilename: 'C:\Users\*\Desktop\*.lnk'}`,
			events: []ev{N(`{"TargetFilename":"C:\\Users\\bob\\Desktop\\x.lnk"}`)}},
		{name: "C09_backslash_star_is_literal_star", detection: `sel: {Path: 'C:\Windows\*'}`,
			events: []ev{N(`{"Path":"C:\\Windows\\System32"}`), M(`{"Path":"C:\\Windows*"}`), M(`{"Path":"c:\\windows*"}`)}},
		{name: "C10_double_backslash_star_is_backslash_then_wildcard", detection: `sel: {Path: 'C:\Windows\\*'}`,
			events: []ev{M(`{"Path":"C:\\Windows\\System32\\x.exe"}`), M(`{"Path":"C:\\Windows\\"}`), N(`{"Path":"C:\\WindowsX"}`)}},
		{name: "C11_single_backslash", detection: `sel: {Path: 'C:\Temp\a.txt'}`,
			events: []ev{M(`{"Path":"C:\\Temp\\a.txt"}`), N(`{"Path":"C:\\\\Temp\\\\a.txt"}`)}},
		{name: "C11_double_backslash", detection: `sel: {Path: 'C:\\Temp\\a.txt'}`,
			events: []ev{M(`{"Path":"C:\\Temp\\a.txt"}`), N(`{"Path":"C:\\\\Temp\\\\a.txt"}`)}},
		{name: "C12_three_backslashes_before_star", detection: `sel: {V: 'a\\\*b'}`,
			events: []ev{M(`{"V":"a\\*b"}`), N(`{"V":"a\\xb"}`), N(`{"V":"a\\b"}`)}},
		{name: "C13_four_backslashes_are_two", detection: `sel: {V: '\\\\srv\share'}`,
			events: []ev{M(`{"V":"\\\\srv\\share"}`), N(`{"V":"\\srv\\share"}`)}},
		{name: "C14_lone_star", detection: `sel: {V: '*'}`,
			events: []ev{M(`{"V":""}`), M(`{"V":"x"}`), M(`{"V":5}`), M(`{"V":false}`), N(`{"V":null}`), N(`{}`), N(`{"V":[]}`), M(`{"V":["a"]}`)}},
		{name: "C15_empty_string", detection: `sel: {V: ''}`,
			events: []ev{M(`{"V":""}`), N(`{}`), N(`{"V":null}`), N(`{"V":" "}`)}},
		{name: "C16_wildcards_span_newlines", detection: `sel: {CommandLine: 'powershell*-enc*'}`,
			events: []ev{M(`{"CommandLine":"powershell\n-enc AAA"}`)}},
		{name: "C16_contains_wildcard_spans_newline", detection: `sel: {CommandLine|contains: 'a*b'}`,
			events: []ev{M(`{"CommandLine":"xa\nby"}`)}},
		{name: "C17_unicode_folding_equality", detection: `sel: {User: 'ÄRZTE'}`, events: []ev{M(`{"User":"ärzte"}`)}},
		{name: "C17_unicode_folding_contains", detection: `sel: {User|contains: 'ñ'}`, events: []ev{M(`{"User":"ESPAÑA"}`)}},
		{name: "C18_double_quotes_unescaped_by_yaml", detection: `sel: {Path: "C:\\Temp"}`, events: []ev{M(`{"Path":"C:\\Temp"}`)}},
		{name: "C18_invalid_yaml_escape", detection: `sel: {Path: "C:\Temp"}`, err: true},
	})
}

func TestConformanceModifiers(t *testing.T) {
	runCases(t, []conformanceCase{
		{name: "C19_contains_all", detection: `sel: {CommandLine|contains|all: ['-nop', '-w hidden']}`,
			events: []ev{M(`{"CommandLine":"powershell -NoP -W Hidden -c x"}`), N(`{"CommandLine":"powershell -nop"}`)}},
		{name: "C19_contains_all_across_array_members", detection: `sel: {Args|contains|all: ['ax', 'by']}`,
			events: []ev{M(`{"Args":["1ax","2by"]}`)}},
		{name: "C20_startswith_inner_wildcard", detection: `sel: {Image|startswith: 'C:\Users\\*\AppData\'}`,
			events: []ev{M(`{"Image":"C:\\Users\\bob\\AppData\\Local\\t.exe"}`), N(`{"Image":"C:\\Users\\AppData\\x.exe"}`), N(`{"Image":"D:\\Users\\bob\\AppData\\x"}`)}},
		{name: "C21_re_is_case_sensitive_search", detection: `sel: {CommandLine|re: 'ami\s+/all$'}`,
			events: []ev{M(`{"CommandLine":"whoami /all"}`), N(`{"CommandLine":"WHOAMI /ALL"}`), N(`{"CommandLine":"whoami /all x"}`)}},
		{name: "C21_re_i", detection: `sel: {CommandLine|re|i: 'ami\s+/all$'}`, events: []ev{M(`{"CommandLine":"WHOAMI /ALL"}`)}},
		{name: "C22_re_values_are_raw", detection: `sel: {Image|re: '\\(cmd|powershell)\.exe$'}`,
			events: []ev{M(`{"Image":"C:\\Windows\\cmd.exe"}`), N(`{"Image":"C:/cmd.exe"}`)}},
		{name: "C22_re_star_is_regex", detection: `sel: {V|re: 'a*b'}`, events: []ev{M(`{"V":"xb"}`)}},
		{name: "C23_re_m", detection: `sel: {P|re|m: '^root$'}`, events: []ev{M(`{"P":"user\nroot\nx"}`)}},
		{name: "C23_re_without_m", detection: `sel: {P|re: '^root$'}`, events: []ev{N(`{"P":"user\nroot\nx"}`)}},
		{name: "C23_re_s", detection: `sel: {P|re|s: 'begin.+end'}`, events: []ev{M(`{"P":"begin\nend"}`)}},
		{name: "C23_re_without_s", detection: `sel: {P|re: 'begin.+end'}`, events: []ev{N(`{"P":"begin\nend"}`)}},
		{name: "C24_cidr", detection: `sel: {DestinationIp|cidr: ['10.0.0.0/8', 'fd00::/8']}`,
			events: []ev{M(`{"DestinationIp":"10.20.30.40"}`), N(`{"DestinationIp":"11.0.0.1"}`), M(`{"DestinationIp":"fd12::1"}`),
				M(`{"DestinationIp":"::ffff:10.1.2.3"}`), N(`{"DestinationIp":"10.0.0.1:443"}`), N(`{"DestinationIp":"host"}`), N(`{}`),
				M(`{"DestinationIp":["8.8.8.8","10.9.9.9"]}`)}},
		{name: "C24_cidr_invalid", detection: `sel: {Ip|cidr: '10.0.0.0/33'}`, err: true},
		{name: "C25_gt", detection: `sel: {Bytes|gt: 1000}`,
			events: []ev{M(`{"Bytes":1001}`), M(`{"Bytes":"1500"}`), N(`{"Bytes":1000}`), M(`{"Bytes":"1e4"}`), N(`{"Bytes":"abc"}`),
				N(`{"Bytes":null}`), N(`{}`), M(`{"Bytes":[10,2000]}`)}},
		{name: "C25_gte_non_numeric", detection: `sel: {Bytes|gte: 'ten'}`, err: true},
		{name: "C25_lte_numeric_string", detection: `sel: {Bytes|lte: '100'}`, events: []ev{M(`{"Bytes":99}`)}},
		{name: "C26_base64", detection: `sel: {Payload|base64: 'whoami'}`,
			events: []ev{M(`{"Payload":"d2hvYW1p"}`), N(`{"Payload":"d2hvYW1pIC9hbGw="}`)}},
		{name: "C26_base64_contains", detection: `sel: {Payload|base64|contains: 'whoami'}`,
			events: []ev{M(`{"Payload":"xx d2hvYW1pIC9hbGw= yy"}`)}},
		{name: "C26_base64_wildcard", detection: `sel: {Payload|base64: 'who*'}`, err: true},
		{name: "C27_base64offset_contains", detection: `sel: {CommandLine|base64offset|contains: '/bin/bash'}`,
			events: []ev{M(`{"CommandLine":"ZWNobzsgL2Jpbi9iYXNoIC1p"}`), M(`{"CommandLine":"YS9iaW4vYmFzaCAtYyBpZA=="}`),
				M(`{"CommandLine":"YWIvYmluL2Jhc2ggLWMgaWQ="}`), N(`{"CommandLine":"/bin/bash"}`)}},
		{name: "C27_base64offset_empty_value_is_contains_empty", detection: `sel: {CommandLine|base64offset|contains: ''}`,
			events: []ev{M(`{"CommandLine":"anything"}`), N(`{}`)}},
		{name: "C27_base64offset_trims_partial_char", detection: `sel: {V|base64offset|contains: 'http://'}`,
			events: []ev{M(`{"V":"aHR0cDovL3g="}`)}},
		{name: "C28_wide_base64offset", detection: `sel: {CommandLine|wide|base64offset|contains: 'IEX'}`,
			events: []ev{M(`{"CommandLine":"powershell -enc JAB4AD0AMQA7AEkARQBYACAAKABOAGUAdwAtAE8AYgBqAGUAYwB0ACAATgBlAHQALgBXAGUAYgBDAGwAaQBlAG4AdAApAA=="}`),
				N(`{"CommandLine":"powershell -enc SUVYIChOZXctT2JqZWN0"}`)}},
		{name: "C28_wide_base64", detection: `sel: {Payload|wide|base64: 'Test'}`, events: []ev{M(`{"Payload":"VABlAHMAdAA="}`)}},
		{name: "C28_utf16be_base64", detection: `sel: {Payload|utf16be|base64: 'AB'}`, events: []ev{M(`{"Payload":"AEEAQg=="}`)}},
		{name: "C28_utf16_base64", detection: `sel: {Payload|utf16|base64: 'A'}`, events: []ev{M(`{"Payload":"//5BAA=="}`)}},
		{name: "C29_windash_dash_value", detection: `sel: {CommandLine|windash|contains: ' -exec '}`,
			events: []ev{M(`{"CommandLine":"x /exec y"}`), M(`{"CommandLine":"x –exec y"}`), M(`{"CommandLine":"x ―exec y"}`), N(`{"CommandLine":"x exec y"}`)}},
		{name: "C29_windash_slash_value", detection: `sel: {CommandLine|contains|windash: ' /c '}`,
			events: []ev{M(`{"CommandLine":"cmd.exe -c whoami"}`), M(`{"CommandLine":"cmd.exe —c whoami"}`)}},
		{name: "C30_windash_leaves_intra_word_dashes", detection: `sel: {CommandLine|windash|contains: 'ep-bypass'}`,
			events: []ev{N(`{"CommandLine":"ep/bypass"}`), M(`{"CommandLine":"ep-bypass"}`)}},
		{name: "C31_fieldref", detection: `sel: {SubjectUserName|fieldref: TargetUserName}`,
			events: []ev{M(`{"SubjectUserName":"Alice","TargetUserName":"alice"}`), N(`{"SubjectUserName":"alice","TargetUserName":"bob"}`),
				N(`{"SubjectUserName":"alice"}`), N(`{"SubjectUserName":null,"TargetUserName":null}`)}},
		{name: "C32_exists_true", detection: `sel: {PasswordLastSet|exists: true}`,
			events: []ev{M(`{"PasswordLastSet":"x"}`), M(`{"PasswordLastSet":""}`), M(`{"PasswordLastSet":null}`), N(`{}`)}},
		{name: "C32_exists_false", detection: `sel: {PasswordLastSet|exists: false}`,
			events: []ev{M(`{}`), N(`{"PasswordLastSet":null}`)}},
		{name: "C32_exists_nested", detection: `sel: {a.b|exists: true}`,
			events: []ev{M(`{"a":{"b":1}}`), M(`{"a.b":0}`), N(`{"a":{}}`)}},
		{name: "C32_exists_maybe", detection: `sel: {X|exists: 'maybe'}`, err: true},
		{name: "C32_exists_list", detection: `sel: {X|exists: [true, false]}`, err: true},
		{name: "C32_exists_with_contains", detection: `sel: {X|exists|contains: true}`, err: true},
		{name: "C33_null", detection: `sel: {CommandLine: null}`,
			events: []ev{M(`{}`), M(`{"CommandLine":null}`), N(`{"CommandLine":""}`), N(`{"CommandLine":"null"}`)}},
		{name: "C33_null_in_list", detection: `sel: {X: [null, 'a']}`, err: true},
		{name: "C34_neq_single", detection: `sel: {DestinationPort|neq: 443}`,
			events: []ev{M(`{"DestinationPort":80}`), M(`{"DestinationPort":"80"}`), N(`{"DestinationPort":443}`), N(`{"DestinationPort":"443"}`), M(`{}`)}},
		{name: "C35_neq_list_is_none_of", detection: `sel: {Protocol|neq: ['tcp', 'udp']}`,
			events: []ev{M(`{"Protocol":"icmp"}`), N(`{"Protocol":"TCP"}`), N(`{"Protocol":"udp"}`)}},
		{name: "C36_expand_without_pipeline", detection: `sel: {ComputerName|expand: '%Workstations%'}`, err: true},
		{name: "C36_percent_without_expand_is_literal", detection: `sel: {ComputerName: '%Workstations%'}`,
			events: []ev{M(`{"ComputerName":"%Workstations%"}`), N(`{"ComputerName":"ws-1"}`)}},
		{name: "C37_hour", detection: `sel: {EventTime|hour: 3}`,
			events: []ev{M(`{"EventTime":"2024-07-10T03:15:00Z"}`), M(`{"EventTime":"2024-07-10T05:15:00+02:00"}`),
				M(`{"EventTime":"2024-07-10 03:59:59"}`), M(`{"EventTime":1720581300}`), M(`{"EventTime":1720581300000}`),
				N(`{"EventTime":"10/07/2024 03:15"}`)}},
		{name: "C37_week", detection: `sel: {EventTime|week: 1}`, events: []ev{M(`{"EventTime":"2024-12-30T00:00:00Z"}`)}},
		{name: "C37_hour_not_numeric", detection: `sel: {X|hour: 'three'}`, err: true},
		{name: "C38_all_single_value", detection: `sel: {X|all: 'a'}`, err: true},
		{name: "C38_unknown_modifier", detection: `sel: {X|foo: 'a'}`, err: true},
		{name: "C38_not_modifier", detection: `sel: {X|not: 'a'}`, err: true},
		{name: "C38_two_operators", detection: `sel: {X|contains|startswith: 'a'}`, err: true},
		{name: "C38_i_without_re", detection: `sel: {X|i: 'a'}`, err: true},
		{name: "C38_re_with_base64", detection: `sel: {X|re|base64: 'a'}`, err: true},
		{name: "C38_base64_with_base64offset", detection: `sel: {X|base64|base64offset: 'a'}`, err: true},
		{name: "C38_two_utf16", detection: `sel: {X|wide|utf16be|base64: 'a'}`, err: true},
		{name: "C38_lookbehind", detection: `sel: {X|re: '(?<=a)b'}`, err: true},
		{name: "C38_empty_modifier", detection: `sel: {X|contains|: 'a'}`, err: true},
		{name: "C38_empty_list", detection: `sel: {X: []}`, err: true},
		{name: "C38_empty_search", detection: `sel: {}`, err: true},
	})
}

func TestConformanceTypes(t *testing.T) {
	runCases(t, []conformanceCase{
		{name: "C39_yaml_number", detection: `sel: {EventID: 4624}`,
			events: []ev{M(`{"EventID":4624}`), M(`{"EventID":"4624"}`), M(`{"EventID":4624.0}`), M(`{"EventID":"4624.0"}`),
				M(`{"EventID":"04624"}`), N(`{"EventID":" 4624"}`), N(`{"EventID":"0x1210"}`), N(`{"EventID":"4624a"}`), M(`{"EventID":[1,4624]}`)}},
		{name: "C40_quoted_string_vs_numbers", detection: `sel: {EventID: '4624'}`,
			events: []ev{M(`{"EventID":4624}`), M(`{"EventID":4624.0}`), N(`{"EventID":"4624.0"}`)}},
		{name: "C40_contains_number", detection: `sel: {EventID|contains: 62}`, events: []ev{M(`{"EventID":4624}`)}},
		{name: "C41_plain_hex_literal", detection: `sel: {TicketEncryption: 0x17}`,
			events: []ev{M(`{"TicketEncryption":"0x17"}`), M(`{"TicketEncryption":"0X17"}`), M(`{"TicketEncryption":23}`), M(`{"TicketEncryption":"23"}`)}},
		{name: "C41_quoted_hex", detection: `sel: {TicketEncryption: '0x17'}`,
			events: []ev{N(`{"TicketEncryption":23}`), M(`{"TicketEncryption":"0x17"}`)}},
		{name: "C42_bool", detection: `sel: {Enabled: true}`,
			events: []ev{M(`{"Enabled":true}`), M(`{"Enabled":"True"}`), N(`{"Enabled":"1"}`), N(`{"Enabled":1}`)}},
		{name: "C42_quoted_bool", detection: `sel: {Enabled: 'true'}`, events: []ev{M(`{"Enabled":true}`), M(`{"Enabled":"TRUE"}`)}},
		{name: "C43_64bit_integers_exact", detection: `sel: {LogonId: 9007199254740993}`,
			events: []ev{M(`{"LogonId":9007199254740993}`), N(`{"LogonId":9007199254740992}`)}},
	})
}

func TestConformanceFieldsAndArrays(t *testing.T) {
	runCases(t, []conformanceCase{
		{name: "C44_flat_dotted_key_wins", detection: `sel: {a.b: 'y'}`,
			events: []ev{N(`{"a.b":"x","a":{"b":"y"}}`), M(`{"a":{"b":"y"}}`), M(`{"a.b":"y"}`)}},
		{name: "C45_field_names_case_sensitive", detection: `sel: {commandline: 'whoami'}`, events: []ev{N(`{"CommandLine":"whoami"}`)}},
		{name: "C46_arrays_negation_sees_all_members", detection: `
sel: {EventType: 'login'}
flt: {Tags: 'admin'}
condition: sel and not flt`, events: []ev{
			N(`{"EventType":"login","Tags":["user","ADMIN"]}`), M(`{"EventType":"login","Tags":["user"]}`), M(`{"EventType":"login"}`)}},
		{name: "C47_array_of_objects_fan_out", detection: `sel: {conns.ip: '1.2.3.4'}`,
			events: []ev{M(`{"conns":[{"ip":"5.6.7.8"},{"ip":"1.2.3.4"}]}`)}},
		{name: "C47_no_element_binding", detection: `sel: {conns.proto: 'TCP', conns.ip: '1.2.3.4'}`,
			events: []ev{M(`{"conns":[{"proto":"UDP","ip":"1.2.3.4"},{"proto":"TCP","ip":"9.9.9.9"}]}`)}},
		{name: "C48_null_vs_empty_array", detection: `sel: {Tags: null}`, events: []ev{N(`{"Tags":[]}`)}},
		{name: "C48_exists_empty_array", detection: `sel: {Tags|exists: true}`, events: []ev{M(`{"Tags":[]}`)}},
		{name: "C48_star_empty_array", detection: `sel: {Tags: '*'}`, events: []ev{N(`{"Tags":[]}`)}},
	})
}

func TestConformanceKeywords(t *testing.T) {
	runCases(t, []conformanceCase{
		{name: "C49_substring_case_insensitive_string_leaves", detection: `
keywords: ['mimikatz', 'sekurlsa::']
condition: keywords`, events: []ev{
			M(`{"a":{"b":["x","run MIMIKATZ.exe"]}}`), N(`{"mimikatz":1}`), M(`{"msg":"sekurlsa::logonpasswords"}`)}},
		{name: "C49_numbers_not_searched", detection: `
keywords: ['4624']
condition: keywords`, events: []ev{N(`{"EventID":4624}`), M(`{"m":"id 4624"}`)}},
		{name: "C50_all_keywords_in_different_leaves", detection: `
kw: {'|all': ['OabVirtualDirectory', ' -ExternalUrl ']}
condition: kw`, events: []ev{
			M(`{"cmd":"Set-OabVirtualDirectory -ExternalUrl x"}`), M(`{"a":"OabVirtualDirectory","b":"y -ExternalUrl z"}`), N(`{"a":"OabVirtualDirectory"}`)}},
		{name: "C50_auditd_shape", detection: `
kw: {'|all': ['truncate', '-s']}
condition: kw`, events: []ev{M(`{"type":"EXECVE","a0":"truncate","a1":"-s","a2":"0"}`)}},
		{name: "C51_keyword_wildcards_unanchored", detection: `
keywords: ['invoke-*mimikatz']
condition: keywords`, events: []ev{M(`{"c":"powershell Invoke-Mimikatz -Dump"}`), N(`{"c":"invoke only"}`)}},
	})
}

func TestConformanceConditions(t *testing.T) {
	abc := "a: {A: 1}\nb: {B: 1}\nc: {C: 1}\n"
	c53 := `
selection_img: {Image|endswith: '\rundll32.exe'}
selection_cli: {CommandLine|contains: 'javascript:'}
filter_main_sys: {User: 'SYSTEM'}
_aux: {Marker: 'x'}
`
	errDet := "sel: {A: 1}\nflt: {B: 1}\ncondition: "
	runCases(t, []conformanceCase{
		{name: "C52_or_and_not_precedence", detection: abc + "condition: a or b and not c",
			events: []ev{M(`{"A":1,"C":1}`), N(`{"B":1,"C":1}`), M(`{"B":1}`)}},
		{name: "C52_not_binds_tighter_than_and", detection: abc + "condition: not a and b",
			events: []ev{M(`{"B":1}`), N(`{"A":1,"B":1}`)}},
		{name: "C52_parentheses", detection: abc + "condition: not (a and b)",
			events: []ev{N(`{"A":1,"B":1}`), M(`{"A":1}`)}},
		{name: "C53_selectors", detection: c53 + "condition: all of selection_* and not 1 of filter_main_*", events: []ev{
			M(`{"Image":"C:\\w\\rundll32.exe","CommandLine":"javascript:x","User":"bob"}`),
			N(`{"Image":"C:\\w\\rundll32.exe","CommandLine":"javascript:x","User":"system"}`),
			N(`{"Image":"C:\\w\\rundll32.exe"}`)}},
		{name: "C53_them_excludes_underscore", detection: c53 + "condition: 1 of them", events: []ev{N(`{"Marker":"x"}`)}},
		{name: "C53_underscore_pattern", detection: c53 + "condition: 1 of _*", events: []ev{M(`{"Marker":"x"}`)}},
		{name: "C53_two_of", detection: c53 + "condition: 2 of selection_*", events: []ev{
			M(`{"Image":"C:\\w\\rundll32.exe","CommandLine":"javascript:x"}`), N(`{"Image":"C:\\w\\rundll32.exe"}`)}},
		{name: "C54_selector_without_match", detection: errDet + "1 of foo_*", err: true},
		{name: "C54_uppercase_operator", detection: errDet + "sel AND flt", err: true},
		{name: "C54_legacy_aggregation", detection: errDet + "sel | count() by User > 5", err: true},
		{name: "C54_undefined_identifier", detection: errDet + "sel and missing", err: true},
		{name: "C54_unbalanced_parenthesis", detection: errDet + "sel and (flt", err: true},
		{name: "C54_zero_of", detection: errDet + "0 of sel*", err: true},
		{name: "C54_near", detection: errDet + "sel near flt", err: true},
		{name: "C55_not_over_absent_field", detection: `
sel: {Image|endswith: '\x.exe'}
filter_optional_parent: {ParentImage: 'C:\legit.exe'}
condition: sel and not filter_optional_parent`, events: []ev{
			M(`{"Image":"C:\\a\\x.exe"}`), N(`{"Image":"C:\\a\\x.exe","ParentImage":"c:\\LEGIT.exe"}`)}},
		{name: "C56_hyphen_and_keyword_prefix_identifiers", detection: "sel-1: {A: 1}\nand_filter: {B: 1}\ncondition: sel-1 and not and_filter",
			events: []ev{M(`{"A":1}`), N(`{"A":1,"B":1}`)}},
	})
}
