# fuzz targets owned by the node module
