# Turns a binary file into a C++ source defining a byte array:
#   cmake -DIN=guest.bin -DOUT=guest_blob.cpp -DNAME=kGuestProgram -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" len)
math(EXPR bytes "${len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUT}" "// Generated from ${IN}; do not edit.\n#include <cstddef>\n#include <cstdint>\nnamespace vzlab::real {\nextern const std::uint8_t ${NAME}[];\nextern const std::size_t ${NAME}_size;\nconst std::uint8_t ${NAME}[] = {${body}};\nconst std::size_t ${NAME}_size = ${bytes};\n}  // namespace vzlab::real\n")
