# bench targets owned by the matching module
