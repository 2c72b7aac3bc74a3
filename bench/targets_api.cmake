# bench targets owned by the api module
