# Sanitizer builds used by `make test`: ASan+UBSan over every test, TSan over
# the concurrency tests. Flags apply to every target so the core is checked too.
if(HYGGE_SANITIZE STREQUAL "address")
	add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
		-fno-omit-frame-pointer -O1 -g)
	add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(HYGGE_SANITIZE STREQUAL "thread")
	add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -O1 -g)
	add_link_options(-fsanitize=thread)
elseif(HYGGE_SANITIZE STREQUAL "fuzzer")
	# libFuzzer instrumentation for everything; fuzz targets link -fsanitize=fuzzer.
	add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
		-fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g)
	add_link_options(-fsanitize=address,undefined)
elseif(NOT HYGGE_SANITIZE STREQUAL "")
	message(FATAL_ERROR "HYGGE_SANITIZE must be '', 'address', 'thread' or 'fuzzer'")
endif()
