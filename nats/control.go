package nats

import (
	"strings"

	natsgo "github.com/nats-io/nats.go"

	"github.com/rsigma-connect/rsigma-connect/internal/redact"
)

// ControlSubject is the core-NATS subject on which a message asks the daemon
// to re-resolve its dynamic sources (spec/nats-and-tls.md §1.8): an empty
// payload means every source, otherwise the payload is one source id.
const ControlSubject = "rsigma.control.resolve"

// ControlListener is a running subscription to ControlSubject.
type ControlListener struct {
	conn *Conn
}

// ListenControl connects to server and calls trigger for every message on
// ControlSubject, with the trimmed payload as the source id ("" = all).
// trigger runs on the subscription's goroutine and should not block; it
// reports false when a resolution is already pending (logged at info).
func ListenControl(server string, auth Auth, log Logger, trigger func(id string) bool) (*ControlListener, error) {
	if log == nil {
		log = discardLogger{}
	}
	conn, err := connectCore(server, auth, log)
	if err != nil {
		return nil, err
	}
	_, err = conn.NC.Subscribe(ControlSubject, func(m *natsgo.Msg) {
		id := strings.TrimSpace(string(m.Data))
		if !trigger(id) {
			log.Infof("NATS control: re-resolution of %q not queued, one is already pending", id)
		}
	})
	if err == nil {
		err = conn.NC.Flush()
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	log.Infof("NATS control listener subscribed to %s on %s", ControlSubject, redact.URL(server))
	return &ControlListener{conn: conn}, nil
}

// Close unsubscribes and disconnects. Safe on a nil listener.
func (l *ControlListener) Close() {
	if l != nil {
		l.conn.Close()
	}
}
