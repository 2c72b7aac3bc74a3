# fuzz targets owned by the api module
