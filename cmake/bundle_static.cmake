# Merges static libraries into one archive with an ar MRI script, so that an installed program
# links libattnjit.a alone and never needs the internal libraries or their link order.
# Usage: cmake -DAR=<ar> -DOUT=<archive> -DLIBS=<a;b;c> -P bundle_static.cmake
set(script "${OUT}.mri")
set(text "create ${OUT}\n")
foreach(lib IN LISTS LIBS)
  string(APPEND text "addlib ${lib}\n")
endforeach()
string(APPEND text "save\nend\n")
file(WRITE "${script}" "${text}")
file(REMOVE "${OUT}")
execute_process(COMMAND "${AR}" -M INPUT_FILE "${script}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bundling ${OUT} failed: ${rc}")
endif()
