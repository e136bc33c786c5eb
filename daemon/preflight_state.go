package daemon

import (
	"context"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/correlation/store"
)

// preflightStateDB opens (creating if missing) and closes the --state-db file so
// that a corrupt, foreign or unwritable database fails startup with exit 3
// before anything is bound.
func preflightStateDB(ctx context.Context, o *config.Options) error {
	if o.StateDB == "" {
		return nil
	}
	db, err := store.Open(ctx, o.StateDB)
	if err != nil {
		return config.Configf("--state-db: %v", err)
	}
	if err := db.Close(); err != nil {
		return config.Configf("--state-db: %v", err)
	}
	return nil
}
