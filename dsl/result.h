// The library's Result<T> and Error live with the public headers, which every layer may include.
#pragma once
#include "attnjit/result.hpp"
