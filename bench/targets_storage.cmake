# bench targets owned by the storage module
