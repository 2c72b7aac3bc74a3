# bench targets owned by the node module
