/* attnjit C API: a thin layer over the C++ API (attnjit.hpp) for hosts that are not C++ (Python
 * ctypes, Rust, Go...). Every function that can fail returns an attnjit_status; on failure,
 * attnjit_last_error() holds the message (diagnostics with caret, compiler log, or the name of
 * the bad field). Nothing here aborts or throws.
 *
 * Lifetime: a kernel from attnjit_compile() lives until attnjit_kernel_free(). Strings returned
 * by attnjit_kernel_info_*() live as long as the kernel; the string from attnjit_last_error()
 * and attnjit_system_info() until the next attnjit call on the same thread.
 *
 * Threads: compiling and running are thread-safe; one kernel may run from many threads. */
#ifndef ATTNJIT_ATTNJIT_H
#define ATTNJIT_ATTNJIT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum attnjit_status {
  ATTNJIT_OK = 0,
  ATTNJIT_ERROR_INVALID_ARGUMENT = 1, /* a null pointer or bad value passed to the C API itself */
  ATTNJIT_ERROR_COMPILE = 2,          /* the mask did not parse, check or compile */
  ATTNJIT_ERROR_RUN = 3,              /* the problem was rejected or the launch failed */
  ATTNJIT_ERROR_TUNE = 4              /* tuning could not run (no GPU, no candidate ran) */
} attnjit_status;

typedef enum attnjit_dtype {
  ATTNJIT_DTYPE_UNSPECIFIED = -1, /* in attnjit_problem: do not check the dtype */
  ATTNJIT_BF16 = 0,
  ATTNJIT_FP16 = 1,
  ATTNJIT_FP32 = 2
} attnjit_dtype;

typedef enum attnjit_backend {
  ATTNJIT_BACKEND_AUTO = 0, /* the GPU when there is one, else the CPU backend if linked */
  ATTNJIT_BACKEND_GPU = 1,
  ATTNJIT_BACKEND_CPU = 2
} attnjit_backend;

typedef enum attnjit_cache_status {
  ATTNJIT_CACHE_MISS = 0,    /* compiled by this call */
  ATTNJIT_CACHE_MEMORY = 1,  /* already loaded in this process */
  ATTNJIT_CACHE_DISK = 2,    /* read from the disk cache */
  ATTNJIT_CACHE_PREBUILT = 3 /* came with the library (a default sm90 tile config) */
} attnjit_cache_status;

typedef struct attnjit_compile_options {
  int head_dim;        /* 64, 128 or 256 on the GPU */
  attnjit_dtype dtype; /* bf16 or fp16 on the GPU; fp32 on the CPU */
  attnjit_backend backend;
  const char* arch; /* "sm_80", "sm_90a"; NULL or "" = the device's */
  int compile_only; /* nonzero: do not load on a device (needs an explicit arch) */
  const char*
      cache_dir; /* NULL or "" = $ATTNJIT_CACHE_DIR, $XDG_CACHE_HOME/attnjit, ~/.cache/attnjit */
  int device;    /* CUDA device ordinal */
  int block_m, block_n, warps, stages; /* 0 = default */
  const char* family;                  /* "sm80", "sm90"; NULL or "" = default */
  /* sm90 family: "table" (no mask code in the kernel: one kernel per tile config for every
   * mask), "inline" (the predicate compiled in); NULL, "" or "auto" = table on sm_90a.
   * See CompileOptions::mask_code. */
  const char* mask_code;
} attnjit_compile_options;

/* Fills `options` with the defaults: head dim 128, bf16, auto backend, device 0. */
void attnjit_compile_options_init(attnjit_compile_options* options);

/* One of Q, K, V, O: element strides for batch, head and sequence; the head dim is contiguous.
 * On the GPU strides must be multiples of 8 elements and `data` 16-byte aligned. */
typedef struct attnjit_tensor {
  void* data;
  int64_t stride_batch;
  int64_t stride_head;
  int64_t stride_seq;
} attnjit_tensor;

typedef struct attnjit_problem {
  int batch, heads, kv_heads, seq_q, seq_k; /* heads % kv_heads == 0 */
  attnjit_tensor q, k, v, o;
  float* lse;  /* optional [batch, heads, seq_q] fp32, natural log; NULL = not written */
  float scale; /* 0 = 1/sqrt(head_dim) */
  /* Mask parameters: num_params names and values. Every parameter of the mask must be given,
   * and no other name. */
  const char* const* param_names;
  const int64_t* param_values;
  int num_params;
  void* stream; /* CUstream on the GPU (NULL = the default stream); ignored on the CPU */
  /* Optional checks against the kernel: the tensors' dtype and head dim as the caller sees
   * them. ATTNJIT_DTYPE_UNSPECIFIED and 0 skip the check. */
  attnjit_dtype dtype;
  int head_dim;
  /* Variable-length batches, split-KV and GQA packing: the Problem fields of the same names in
   * attnjit.hpp (int32 arrays on the device for a GPU kernel, on the host for the CPU backend;
   * NULL and 0 = not used / chosen by attnjit). */
  const int32_t* cu_seqlens_q; /* [batch + 1], with cu_seqlens_k: packed sequences */
  const int32_t* cu_seqlens_k;
  const int32_t* seqused_k; /* [batch]: keys used by each sequence */
  int max_seq_q, max_seq_k;
  int kv_splits;         /* 0 = chosen, 1 = off, N = N shares per query tile */
  int pack_gqa;          /* 0 = chosen, 1 = off, 2 = on */
  int persistent_blocks; /* sm90 family: 0 = chosen, N = at most N persistent blocks */
  int split_tiles;       /* sm90 family: 0 = chosen, 1 = off, N = split every tile in N */
  int unit_group;        /* sm90 family: 0 = chosen, N = N (head, batch) units per L2 group */
  int item_schedule;     /* sm90 family, persistent: 0 = chosen, 1 = static, 2 = dynamic */
} attnjit_problem;

/* Fills `problem` with zeros, batch = heads = kv_heads = 1 and no dtype/head dim check. */
void attnjit_problem_init(attnjit_problem* problem);

typedef struct attnjit_kernel attnjit_kernel;

/* Parses, checks and compiles `mask` (one line, e.g. "causal & window(W, 0)"). `options` may be
 * NULL for the defaults. On success *out holds a kernel to free with attnjit_kernel_free. */
attnjit_status attnjit_compile(const char* mask, const attnjit_compile_options* options,
                               attnjit_kernel** out);

/* Runs attention. On the GPU the work is queued on problem->stream and this returns before it
 * finishes; on the CPU it returns when done. */
attnjit_status attnjit_run(const attnjit_kernel* kernel, const attnjit_problem* problem);

/* Frees a kernel; NULL is allowed. Work already queued on a stream is not affected. */
void attnjit_kernel_free(attnjit_kernel* kernel);

/* The message of the last failed call on this thread ("" when there was none). */
const char* attnjit_last_error(void);

/* What a compiled kernel is. Each returns 0 / NULL / "" for a NULL kernel. */
const char* attnjit_kernel_info_canonical(const attnjit_kernel* kernel); /* canonical mask text */
const char* attnjit_kernel_info_hash(const attnjit_kernel* kernel);      /* structural hash */
int attnjit_kernel_info_num_params(const attnjit_kernel* kernel);
const char* attnjit_kernel_info_param_name(const attnjit_kernel* kernel, int i); /* sorted */
attnjit_backend attnjit_kernel_info_backend(const attnjit_kernel* kernel);
int attnjit_kernel_info_head_dim(const attnjit_kernel* kernel);
attnjit_dtype attnjit_kernel_info_dtype(const attnjit_kernel* kernel);
const char* attnjit_kernel_info_arch(const attnjit_kernel* kernel);
/* Tile sizes (GPU); any pointer may be NULL. */
void attnjit_kernel_info_tiles(const attnjit_kernel* kernel, int* block_m, int* block_n, int* warps,
                               int* stages);
attnjit_cache_status attnjit_kernel_info_cache(const attnjit_kernel* kernel);
double attnjit_kernel_info_compile_ms(const attnjit_kernel* kernel);
const char* attnjit_kernel_info_cache_key(const attnjit_kernel* kernel);
const char* attnjit_kernel_info_cache_path(const attnjit_kernel* kernel);

/* Where the kernel's tiles came from (GPU): "explicit", "database" or "default". */
const char* attnjit_kernel_info_tiles_from(const attnjit_kernel* kernel);

/* GPU: "table" (a mask-free sm90 kernel) or "inline" (the mask compiled in). */
const char* attnjit_kernel_info_mask_code(const attnjit_kernel* kernel);

/* Autotuning (see attnjit.hpp: tune, compile_for). The problem's shapes and parameters are used,
 * not its tensors. */
typedef struct attnjit_tune_result {
  int block_m, block_n, warps, stages; /* the winner */
  double best_ms;
  int default_block_m, default_block_n, default_warps, default_stages;
  double default_ms; /* the heuristic default's time; +inf when it failed */
  double seconds;    /* wall time of the tuning */
  int candidates;    /* timed (0 when from_database) */
  int failed;        /* of those, how many failed to compile or run */
  int from_database; /* nonzero: the entry existed and nothing was measured */
} attnjit_tune_result;

/* Tunes `mask` for `options` on this GPU and the problem's shape; stores the winner in the
 * tuning database. With an entry already there and force == 0, returns it without measuring. */
attnjit_status attnjit_tune(const char* mask, const attnjit_compile_options* options,
                            const attnjit_problem* problem, int force, attnjit_tune_result* out);

/* attnjit_compile with the database's tiles for this problem when options has no tiles set. */
attnjit_status attnjit_compile_for(const char* mask, const attnjit_compile_options* options,
                                   const attnjit_problem* problem, attnjit_kernel** out);

/* One line per backend: "gpu: NVIDIA H200 (sm_90a)" or "gpu: unavailable: <why>", then the
 * same for "cpu". */
const char* attnjit_system_info(void);

#ifdef __cplusplus
}
#endif

#endif /* ATTNJIT_ATTNJIT_H */
