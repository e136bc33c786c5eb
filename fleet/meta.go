package fleet

// Message metadata the fleet components set and read. A stage-1 `sigma`
// processor marks each batch message with MetaPartition (the partition
// number, also the natural key of a keyed transport such as a Kafka
// topic), MetaPosition and MetaBatchID; a transport in front of
// `sigma_correlate` may set MetaEpoch and MetaOrigin; every result of
// `sigma_correlate` carries MetaFiringID.
const (
	MetaPartition = "sigma_contribution_partition"
	MetaPosition  = "sigma_contribution_position"
	MetaBatchID   = "sigma_contribution_id"
	MetaEpoch     = "sigma_correlate_epoch"
	MetaOrigin    = "sigma_correlate_origin"
	MetaFiringID  = "sigma_firing_id"
)
