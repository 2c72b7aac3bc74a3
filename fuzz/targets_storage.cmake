# fuzz targets owned by the storage module
