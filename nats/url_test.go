package nats

import "testing"

func TestParseURL(t *testing.T) {
	tests := []struct {
		name, raw       string
		server, subject string
		wantErr         bool
	}{
		{"subject_after_first_slash", "nats://127.0.0.1:4222/events.>", "nats://127.0.0.1:4222", "events.>", false},
		{"no_slash_means_every_subject", "nats://host:4222", "nats://host:4222", ">", false},
		{"trailing_slash_means_every_subject", "nats://host:4222/", "nats://host:4222", ">", false},
		{"credentials_stay_in_server", "nats://u:p@host:4222/a.b", "nats://u:p@host:4222", "a.b", false},
		{"only_nats_scheme", "tls://host:4222/a", "", "", true},
		{"missing_host", "nats:///a", "", "", true},
		{"empty_token", "nats://h:1/a..b", "", "", true},
		{"gt_not_last", "nats://h:1/a.>.b", "", "", true},
		{"wildcard_inside_token", "nats://h:1/a.b*", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := ParseURL(tc.raw)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && (loc.Server != tc.server || loc.Subject != tc.subject) {
				t.Fatalf("got %+v, want %s %s", loc, tc.server, tc.subject)
			}
		})
	}
}

func TestNamesFollowTheSpec(t *testing.T) {
	tests := []struct{ subject, group, stream, durable string }{
		{"events.>", "", "rsigma-events", "rsigma-daemon-events"},
		{"e2e.cli.input.single", "", "rsigma-e2e-cli-input-single", "rsigma-daemon-e2e-cli-input-single"},
		{"detections", "", "rsigma-detections", "rsigma-daemon-detections"},
		{"logs.*.win", "", "rsigma-logs---win", "rsigma-daemon-logs---win"},
		{"events.>", "workers", "rsigma-events", "workers"},
	}
	for _, tc := range tests {
		t.Run(tc.subject+"/"+tc.group, func(t *testing.T) {
			if got := StreamName(tc.subject); got != tc.stream {
				t.Errorf("stream = %q, want %q", got, tc.stream)
			}
			if got := DurableName(tc.subject, tc.group); got != tc.durable {
				t.Errorf("durable = %q, want %q", got, tc.durable)
			}
		})
	}
}

func TestSubjectMatches(t *testing.T) {
	tests := []struct {
		filter, subject string
		want            bool
	}{
		{"events.>", "events.detections", true},
		{"events.>", "events.a.b", true},
		{"events.>", "events", false},
		{"events.*", "events.a", true},
		{"events.*", "events.a.b", false},
		{">", "detections", true},
		{"events.win", "events.win", true},
		{"events.win", "events.lin", false},
		{"events.>", "detections", false},
	}
	for _, tc := range tests {
		if got := SubjectMatches(tc.filter, tc.subject); got != tc.want {
			t.Errorf("SubjectMatches(%q, %q) = %v, want %v", tc.filter, tc.subject, got, tc.want)
		}
	}
}

func TestConsumerGroupNames(t *testing.T) {
	for name, ok := range map[string]bool{"workers": true, "team-a_1": true, "a.b": false, "a b": false, "x>": false, "": false} {
		if err := CheckConsumerGroup(name); (err == nil) != ok {
			t.Errorf("CheckConsumerGroup(%q) = %v, want ok %v", name, err, ok)
		}
	}
}
