# The warning set of docs/style.md; -Werror when HYGGE_WERROR is on (make test).
function(hygge_warnings target)
	target_compile_options(${target} PRIVATE
		-Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes
		-Wmissing-prototypes -Wvla -Wwrite-strings -Wimplicit-fallthrough)
	if(HYGGE_WERROR)
		target_compile_options(${target} PRIVATE -Werror)
	endif()
endfunction()
