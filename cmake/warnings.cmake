add_library(issa_warnings INTERFACE)
target_compile_options(issa_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Woverloaded-virtual -Wimplicit-fallthrough)
if(ISSA_WERROR)
  target_compile_options(issa_warnings INTERFACE -Werror)
endif()
