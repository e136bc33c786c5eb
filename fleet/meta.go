package fleet

// Message metadata the fleet components set and read. A stage-1 `sigma`
// processor marks each batch message with MetaPartition (the partition
// number, the natural key of a keyed transport such as a Kafka topic; the
// batch's position is in its encoding); a transport in front of
// `sigma_correlate` may set MetaEpoch and MetaOrigin; every result of
// `sigma_correlate` carries MetaFiringID.
const (
	MetaPartition = "sigma_contribution_partition"
	MetaEpoch     = "sigma_correlate_epoch"
	MetaOrigin    = "sigma_correlate_origin"
	MetaFiringID  = "sigma_firing_id"
)
