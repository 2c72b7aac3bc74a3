# fuzz targets owned by the matching module
