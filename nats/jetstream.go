package nats

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// EnsureStream returns the stream called name, creating it with subjects
// [subject] and server defaults when it does not exist. An existing stream
// is reused unchanged. Creation fails when another stream already captures
// an overlapping subject.
func EnsureStream(ctx context.Context, js jetstream.JetStream, name, subject string) (jetstream.Stream, error) {
	st, err := js.Stream(ctx, name)
	if err == nil {
		return st, nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("look up stream %s: %w", name, err)
	}
	st, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{subject}})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		// Another process created it between our lookup and create.
		st, err = js.Stream(ctx, name)
	}
	if err != nil {
		return nil, fmt.Errorf("create stream %s for subject %q: %w", name, subject, err)
	}
	return st, nil
}

// EnsureConsumer returns the durable pull consumer called durable on st,
// filtered on subject with explicit acks, creating it at the start position
// replay asks for. An existing durable is reused unchanged, unless replay is
// set and the durable starts elsewhere: then it is deleted and recreated
// with the same settings but the requested start (which repositions every
// member of a consumer group), with a warning.
func EnsureConsumer(ctx context.Context, st jetstream.Stream, durable, subject string, replay Replay, log Logger) (jetstream.Consumer, error) {
	if log == nil {
		log = discardLogger{}
	}
	cfg := jetstream.ConsumerConfig{
		Durable:       durable,
		FilterSubject: subject,
		AckPolicy:     jetstream.AckExplicitPolicy,
	}
	replay.apply(&cfg)
	stream := st.CachedInfo().Config.Name
	cons, err := st.Consumer(ctx, durable)
	switch {
	case err == nil:
		if !replay.IsSet() || replay.sameStart(cons.CachedInfo().Config) {
			return cons, nil
		}
		log.Warnf("repositioning durable consumer %s on stream %s to replay %s (every member of its group moves)", durable, stream, replay)
		if err := st.DeleteConsumer(ctx, durable); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return nil, fmt.Errorf("delete consumer %s on stream %s: %w", durable, stream, err)
		}
		// Keep what the operator tuned (ack_wait, max_deliver, …); only the
		// start position changes.
		cfg = cons.CachedInfo().Config
		cfg.OptStartSeq, cfg.OptStartTime = 0, nil
		replay.apply(&cfg)
	case !errors.Is(err, jetstream.ErrConsumerNotFound):
		return nil, fmt.Errorf("look up consumer %s on stream %s: %w", durable, stream, err)
	}
	cons, err = st.CreateConsumer(ctx, cfg)
	if errors.Is(err, jetstream.ErrConsumerExists) {
		cons, err = st.Consumer(ctx, durable)
	}
	if err != nil {
		return nil, fmt.Errorf("create consumer %s on stream %s: %w", durable, stream, err)
	}
	return cons, nil
}
