// Package faults runs Sarama producers against an embedded kfake cluster
// that fails their produce requests on a seeded schedule, and checks every
// record as the brokers receive it.
//
// The faults are those a producer must survive without losing what the
// cluster acknowledged: a connection that closes as a request arrives
// (nothing appended), or instead of the response after the broker appended;
// a response held until the client's read timeout has made it give up (the
// broker appended); NOT_LEADER_OR_FOLLOWER before the append,
// REQUEST_TIMED_OUT and NOT_ENOUGH_REPLICAS_AFTER_APPEND after it; and
// partition leaders moving between brokers. Connection faults come from
// the brokers' listeners (kfake.ListenFn), the others from a control on
// produce requests (kfake.ControlKey) that also checks each record batch:
// intact, zstd-compressed, each record's value the one its key names, on
// the partition its key hashes to.
//
// Which request gets which fault follows a deck shuffled by the seed (see
// Schedule): every run of at least one round of requests sees every fault,
// and the tests built on it assert outcomes, never timings.
package faults
